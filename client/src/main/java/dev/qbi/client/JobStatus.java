package dev.qbi.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One job as {@code GET /job-status/{id}} and {@code GET /jobs} describe it.
 *
 * @param jobId the job id (the submit's {@code MessageId})
 * @param status {@code submitted}, {@code processing}, {@code complete}, {@code failed} or {@code
 *     cancelled} (the {@code jobStatus} field; kept as text so that a status added later does not
 *     break parsing)
 * @param submittedAt when the job was accepted
 * @param updatedAt when its status last changed
 * @param attempts deliveries to a worker so far
 * @param downloadUrl once complete, the signed link to the output ({@code jobProcessedPayload}, or
 *     {@code jobProcessedPayloadLink} when only that is present); not in {@code GET /jobs}
 * @param error once failed, {@code <exception type>: <message>}
 * @param otherFields every other field of the body, in order: the original system's aliases ({@code
 *     jobRequestId}, {@code jobProcessedPayloadLink}) and whatever a newer server adds
 */
public record JobStatus(
    String jobId,
    String status,
    Instant submittedAt,
    Instant updatedAt,
    int attempts,
    Optional<URI> downloadUrl,
    Optional<String> error,
    Map<String, JsonNode> otherFields) {

  public static final String SUBMITTED = "submitted";
  public static final String PROCESSING = "processing";
  public static final String COMPLETE = "complete";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  private static final Set<String> MAPPED =
      Set.of(
          "jobId",
          "jobStatus",
          "submittedAt",
          "updatedAt",
          "attempts",
          "error",
          "jobProcessedPayload");

  /** Copies {@code otherFields} (unmodifiable, order kept). */
  public JobStatus {
    otherFields = Collections.unmodifiableMap(new LinkedHashMap<>(otherFields));
  }

  /**
   * True once the job is {@code complete}, {@code failed} or {@code cancelled}: its status will not
   * change again.
   */
  public boolean terminal() {
    return complete() || failed() || cancelled();
  }

  public boolean complete() {
    return COMPLETE.equals(status);
  }

  public boolean failed() {
    return FAILED.equals(status);
  }

  public boolean cancelled() {
    return CANCELLED.equals(status);
  }

  /**
   * Reads one job object of the API's JSON.
   *
   * @throws IOException when {@code json} is not an object with a {@code jobId}, a {@code
   *     jobStatus} and ISO-8601 {@code submittedAt} / {@code updatedAt}
   */
  public static JobStatus of(JsonNode json) throws IOException {
    if (json == null || !json.isObject()) {
      throw new IOException("not a job status object: " + json);
    }
    String jobId = requiredText(json, "jobId");
    String status = requiredText(json, "jobStatus");
    Map<String, JsonNode> other = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : json.properties()) {
      if (!MAPPED.contains(field.getKey())) {
        other.put(field.getKey(), field.getValue());
      }
    }
    Optional<String> link =
        optionalText(json, "jobProcessedPayload")
            .or(() -> optionalText(json, "jobProcessedPayloadLink"));
    try {
      return new JobStatus(
          jobId,
          status,
          Instant.parse(requiredText(json, "submittedAt")),
          Instant.parse(requiredText(json, "updatedAt")),
          json.path("attempts").asInt(0),
          link.map(URI::create),
          optionalText(json, "error"),
          other);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IOException("a job status with a malformed field: " + json, e);
    }
  }

  private static String requiredText(JsonNode json, String field) throws IOException {
    return optionalText(json, field)
        .orElseThrow(() -> new IOException("a job status without " + field + ": " + json));
  }

  private static Optional<String> optionalText(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || !value.isTextual() || value.asText().isEmpty()
        ? Optional.empty()
        : Optional.of(value.asText());
  }
}
