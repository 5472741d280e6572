package dev.qbi.adapters.aws;

import static dev.qbi.adapters.aws.DynamoDbJobTable.ATTEMPTS;
import static dev.qbi.adapters.aws.DynamoDbJobTable.CANCEL_REQUESTED_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.EARLIER_ATTEMPTS;
import static dev.qbi.adapters.aws.DynamoDbJobTable.ERROR;
import static dev.qbi.adapters.aws.DynamoDbJobTable.ERRORS;
import static dev.qbi.adapters.aws.DynamoDbJobTable.EXPIRES_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.JOB_ID;
import static dev.qbi.adapters.aws.DynamoDbJobTable.OUTPUT_KEY;
import static dev.qbi.adapters.aws.DynamoDbJobTable.OWNER;
import static dev.qbi.adapters.aws.DynamoDbJobTable.PAYLOAD_MD5;
import static dev.qbi.adapters.aws.DynamoDbJobTable.REDRIVEN_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.STATUS;
import static dev.qbi.adapters.aws.DynamoDbJobTable.SUBMITTED_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.UPDATED_AT;
import static dev.qbi.adapters.aws.DynamoDbJobTable.VERSION;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A job as a DynamoDB item and back, and the listing cursor: the table's item format. */
final class JobItems {

  private static final DateTimeFormatter SORTABLE_INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CURSOR_FIELDS = Set.of(JOB_ID, OWNER, SUBMITTED_AT);

  private JobItems() {}

  /** The whole item of {@code job}, expiring (TTL) at {@code expiresAt} epoch seconds. */
  static Map<String, AttributeValue> toItem(Job job, long expiresAt) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(JOB_ID, s(job.id().toString()));
    item.put(OWNER, s(job.owner().sub()));
    item.put(STATUS, s(job.status().wireName()));
    item.put(SUBMITTED_AT, s(sortable(job.submittedAt())));
    item.put(UPDATED_AT, s(sortable(job.updatedAt())));
    item.put(ATTEMPTS, n(job.attempts()));
    item.put(VERSION, n(job.version()));
    item.put(EXPIRES_AT, n(expiresAt));
    putIfSet(item, PAYLOAD_MD5, job.payloadMd5());
    putIfSet(item, OUTPUT_KEY, job.outputKey());
    putIfSet(item, ERROR, job.error());
    if (!job.errors().isEmpty()) {
      item.put(ERRORS, AttributeValue.fromL(job.errors().stream().map(JobItems::s).toList()));
    }
    if (job.cancelRequestedAt() != null) {
      item.put(CANCEL_REQUESTED_AT, s(sortable(job.cancelRequestedAt())));
    }
    if (job.redrivenAt() != null) {
      item.put(REDRIVEN_AT, s(sortable(job.redrivenAt())));
    }
    if (job.earlierAttempts() > 0) {
      item.put(EARLIER_ATTEMPTS, n(job.earlierAttempts()));
    }
    return item;
  }

  /**
   * The job of an item. An item written before jobs had versions reads as version 0 with its one
   * {@value DynamoDbJobTable#ERROR} as its errors.
   *
   * @throws IllegalArgumentException when the item is malformed
   */
  static Job fromItem(Map<String, AttributeValue> item) {
    List<String> errors;
    if (item.containsKey(ERRORS) && item.get(ERRORS).hasL()) {
      errors = item.get(ERRORS).l().stream().map(AttributeValue::s).toList();
    } else {
      errors = str(item, ERROR) == null ? List.of() : List.of(str(item, ERROR));
    }
    return new Job(
        JobId.parse(str(item, JOB_ID)),
        new Owner(str(item, OWNER)),
        JobStatus.fromWireName(str(item, STATUS))
            .orElseThrow(() -> new IllegalArgumentException("unknown status")),
        Instant.parse(str(item, SUBMITTED_AT)),
        Instant.parse(str(item, UPDATED_AT)),
        item.containsKey(ATTEMPTS) ? Integer.parseInt(item.get(ATTEMPTS).n()) : 0,
        str(item, PAYLOAD_MD5),
        str(item, OUTPUT_KEY),
        errors,
        item.containsKey(VERSION) ? Long.parseLong(item.get(VERSION).n()) : 0,
        instant(item, CANCEL_REQUESTED_AT),
        instant(item, REDRIVEN_AT),
        item.containsKey(EARLIER_ATTEMPTS) ? Integer.parseInt(item.get(EARLIER_ATTEMPTS).n()) : 0);
  }

  private static Instant instant(Map<String, AttributeValue> item, String name) {
    String text = str(item, name);
    return text == null ? null : Instant.parse(text);
  }

  static String cursorAfter(Job last) {
    Map<String, String> key = new LinkedHashMap<>();
    key.put(JOB_ID, last.id().toString());
    key.put(OWNER, last.owner().sub());
    key.put(SUBMITTED_AT, sortable(last.submittedAt()));
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(key));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }

  static Map<String, AttributeValue> decodeCursor(String cursor, Owner owner) {
    Map<String, Object> key;
    try {
      byte[] json = Base64.getUrlDecoder().decode(cursor.getBytes(StandardCharsets.US_ASCII));
      key = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IllegalArgumentException | IOException e) {
      throw new InvalidRequestException("invalid page cursor");
    }
    if (key == null || !key.keySet().equals(CURSOR_FIELDS)) {
      throw new InvalidRequestException("invalid page cursor");
    }
    Map<String, AttributeValue> start = new HashMap<>();
    for (String field : CURSOR_FIELDS) {
      if (!(key.get(field) instanceof String value) || value.isEmpty()) {
        throw new InvalidRequestException("invalid page cursor");
      }
      start.put(field, s(value));
    }
    try {
      JobId.parse(start.get(JOB_ID).s());
      Instant.parse(start.get(SUBMITTED_AT).s());
    } catch (InvalidRequestException | DateTimeParseException e) {
      throw new InvalidRequestException("invalid page cursor");
    }
    if (!start.get(OWNER).s().equals(owner.sub())) {
      throw new InvalidRequestException("invalid page cursor");
    }
    return start;
  }

  static String sortable(Instant t) {
    return SORTABLE_INSTANT.format(t);
  }

  private static void putIfSet(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
