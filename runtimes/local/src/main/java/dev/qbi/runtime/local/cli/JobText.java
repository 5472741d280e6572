package dev.qbi.runtime.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qbi.client.JobStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** How the job commands show jobs: the API's JSON fields, aligned lines, a table. */
final class JobText {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] HEADER = {"JOB ID", "STATUS", "SUBMITTED", "UPDATED", "ATTEMPTS"};

  private JobText() {}

  /** The job as the API's status JSON ({@code jobStatus}, {@code jobId}, ...). */
  static ObjectNode json(JobStatus job) {
    ObjectNode o = JSON.createObjectNode();
    o.put("jobStatus", job.status());
    o.put("jobId", job.jobId());
    o.put("submittedAt", job.submittedAt().toString());
    o.put("updatedAt", job.updatedAt().toString());
    o.put("attempts", job.attempts());
    job.error().ifPresent(e -> o.put("error", e));
    job.downloadUrl().ifPresent(u -> o.put("jobProcessedPayload", u.toString()));
    job.otherFields().forEach(o::set);
    return o;
  }

  /** {@code {"jobs": [...]}}. */
  static ObjectNode json(List<JobStatus> jobs) {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode list = o.putArray("jobs");
    jobs.forEach(j -> list.add(json(j)));
    return o;
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** One {@code name value} line per field that has a value. */
  static List<String> lines(JobStatus job) {
    List<String> out = new ArrayList<>();
    add(out, "job id", job.jobId());
    add(out, "status", job.status());
    add(out, "submitted", job.submittedAt().toString());
    add(out, "updated", job.updatedAt().toString());
    add(out, "attempts", Integer.toString(job.attempts()));
    job.downloadUrl().ifPresent(u -> add(out, "download", u.toString()));
    job.error().ifPresent(e -> add(out, "error", e));
    JsonNode errors = job.otherFields().get("errors");
    if (errors != null && errors.isArray() && errors.size() > 1) {
      for (JsonNode e : errors) {
        add(out, "earlier error", e.asText());
      }
    }
    instant(out, job, "cancelRequestedAt", "cancel requested");
    instant(out, job, "redrivenAt", "redriven");
    return out;
  }

  private static void instant(List<String> out, JobStatus job, String field, String name) {
    JsonNode v = job.otherFields().get(field);
    if (v != null && v.isTextual()) {
      add(out, name, v.asText());
    }
  }

  private static void add(List<String> out, String name, String value) {
    out.add(String.format("%-17s %s", name, value));
  }

  /** The jobs as a table with a header row; columns as wide as their widest cell. */
  static List<String> table(List<JobStatus> jobs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (JobStatus j : jobs) {
      rows.add(
          new String[] {
            j.jobId(),
            j.status(),
            seconds(j.submittedAt()),
            seconds(j.updatedAt()),
            Integer.toString(j.attempts())
          });
    }
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == 0 ? "" : "  ");
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s", row[i]));
      }
      out.add(line.toString());
    }
    return out;
  }

  private static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
