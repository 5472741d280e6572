package dev.qbi.adapters.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * {@link JobTable} on DynamoDB (low-level API), one item per job.
 *
 * <p>Item: {@value #JOB_ID} (S, the table's key), {@value #OWNER} (S), {@value #STATUS} (S, wire
 * name), {@value #SUBMITTED_AT} and {@value #UPDATED_AT} (S, fixed-width ISO-8601 UTC with 9
 * fraction digits, so strings sort like instants), {@value #ATTEMPTS} (N), {@value #PAYLOAD_MD5},
 * {@value #OUTPUT_KEY}, {@value #ERROR} (S, when set) and {@value #EXPIRES_AT} (N, epoch seconds:
 * the TTL attribute, last change + retention).
 *
 * <p>Listing uses the global secondary index {@value #OWNER_INDEX} ({@value #OWNER} / {@value
 * #SUBMITTED_AT}, all attributes projected), newest first. Its reads are eventually consistent on
 * AWS: a job changed a moment ago may show its previous status in a listing (not in {@link #find},
 * which reads consistently). The page cursor is the base64url JSON of the last listed item's index
 * key.
 *
 * <p>Every change is conditional: insert on {@code attribute_not_exists(jobId)}, transition on
 * {@code status = :expected}; a failed condition returns false. Other SDK failures surface as
 * {@link StorageException}.
 */
public final class DynamoDbJobTable implements JobTable {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbJobTable.class);

  public static final String OWNER_INDEX = "owner-submittedAt-index";
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public static final String JOB_ID = "jobId";
  public static final String OWNER = "owner";
  public static final String STATUS = "status";
  public static final String SUBMITTED_AT = "submittedAt";
  public static final String UPDATED_AT = "updatedAt";
  public static final String ATTEMPTS = "attempts";
  public static final String PAYLOAD_MD5 = "payloadMd5";
  public static final String OUTPUT_KEY = "outputKey";
  public static final String ERROR = "error";
  public static final String EXPIRES_AT = "expiresAt";

  /** Items read per query page when a status filter may discard many of them. */
  private static final int FILTERED_PAGE = 100;

  private static final DateTimeFormatter SORTABLE_INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CURSOR_FIELDS = Set.of(JOB_ID, OWNER, SUBMITTED_AT);

  private final DynamoDbClient dynamo;
  private final String tableName;
  private final Duration retention;

  public DynamoDbJobTable(DynamoDbClient dynamo, String tableName) {
    this(dynamo, tableName, DEFAULT_RETENTION);
  }

  /**
   * @param retention how long after its last change a job's item lives (the TTL)
   */
  public DynamoDbJobTable(DynamoDbClient dynamo, String tableName, Duration retention) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    if (tableName == null || tableName.isBlank()) {
      throw new IllegalArgumentException("tableName is required");
    }
    this.tableName = tableName;
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive");
    }
    this.retention = retention;
  }

  public String tableName() {
    return tableName;
  }

  @Override
  public boolean insertIfAbsent(Job job) {
    Objects.requireNonNull(job, "job");
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(JOB_ID, s(job.id().toString()));
    item.put(OWNER, s(job.owner().sub()));
    item.put(STATUS, s(job.status().wireName()));
    item.put(SUBMITTED_AT, s(sortable(job.submittedAt())));
    item.put(UPDATED_AT, s(sortable(job.updatedAt())));
    item.put(ATTEMPTS, n(job.attempts()));
    item.put(EXPIRES_AT, n(expiry(job.updatedAt())));
    putIfSet(item, PAYLOAD_MD5, job.payloadMd5());
    putIfSet(item, OUTPUT_KEY, job.outputKey());
    putIfSet(item, ERROR, job.error());
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#id)")
                  .expressionAttributeNames(Map.of("#id", JOB_ID)));
      return true;
    } catch (ConditionalCheckFailedException exists) {
      LOG.debug("job {} already in the table", job.id());
      return false;
    } catch (SdkException e) {
      throw new StorageException("DynamoDB PutItem failed for job " + job.id(), e);
    }
  }

  @Override
  public Optional<Job> find(JobId id) {
    Objects.requireNonNull(id, "id");
    try {
      GetItemResponse r =
          dynamo.getItem(
              b ->
                  b.tableName(tableName)
                      .key(Map.of(JOB_ID, s(id.toString())))
                      .consistentRead(true));
      return r.hasItem() && !r.item().isEmpty()
          ? Optional.of(fromItem(r.item()))
          : Optional.empty();
    } catch (SdkException e) {
      throw new StorageException("DynamoDB GetItem failed for job " + id, e);
    }
  }

  /**
   * @throws IllegalStateException when {@code expected -> change.to()} is not an allowed transition
   */
  @Override
  public boolean transition(JobId id, JobStatus expected, Transition change) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(change, "change");
    expected.checkTransitionTo(change.to());
    Map<String, String> names =
        Map.of(
            "#s",
            STATUS,
            "#u",
            UPDATED_AT,
            "#a",
            ATTEMPTS,
            "#x",
            EXPIRES_AT,
            "#o",
            OUTPUT_KEY,
            "#e",
            ERROR);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":expected", s(expected.wireName()));
    values.put(":to", s(change.to().wireName()));
    values.put(":at", s(sortable(change.at())));
    values.put(":attempts", n(change.attempts()));
    values.put(":exp", n(expiry(change.at())));
    StringBuilder set = new StringBuilder("SET #s = :to, #u = :at, #a = :attempts, #x = :exp");
    List<String> remove = new ArrayList<>();
    if (change.outputKey() != null) {
      set.append(", #o = :out");
      values.put(":out", s(change.outputKey()));
    } else {
      remove.add("#o");
    }
    if (change.error() != null) {
      set.append(", #e = :err");
      values.put(":err", s(change.error()));
    } else {
      remove.add("#e");
    }
    String update = set + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
    try {
      dynamo.updateItem(
          b ->
              b.tableName(tableName)
                  .key(Map.of(JOB_ID, s(id.toString())))
                  .updateExpression(update)
                  .conditionExpression("#s = :expected")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
      LOG.debug("job {} {} -> {}", id, expected.wireName(), change.to().wireName());
      return true;
    } catch (ConditionalCheckFailedException lost) {
      LOG.debug("job {} not {}: transition skipped", id, expected.wireName());
      return false;
    } catch (SdkException e) {
      throw new StorageException("DynamoDB UpdateItem failed for job " + id, e);
    }
  }

  @Override
  public Page<Job> listByOwner(
      Owner owner, Optional<JobStatus> status, int limit, Optional<String> cursor) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(cursor, "cursor");
    if (limit < 1) {
      throw new InvalidRequestException("limit must be at least 1");
    }
    Map<String, AttributeValue> start = cursor.map(c -> decodeCursor(c, owner)).orElse(null);
    Map<String, String> names = new HashMap<>(Map.of("#owner", OWNER));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", s(owner.sub())));
    status.ifPresent(
        st -> {
          names.put("#s", STATUS);
          values.put(":status", s(st.wireName()));
        });
    // one item more than asked tells whether another page exists
    int pageSize = status.isPresent() ? Math.max(limit + 1, FILTERED_PAGE) : limit + 1;
    List<Job> items = new ArrayList<>();
    try {
      while (true) {
        QueryRequest.Builder q =
            QueryRequest.builder()
                .tableName(tableName)
                .indexName(OWNER_INDEX)
                .keyConditionExpression("#owner = :owner")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(pageSize);
        status.ifPresent(st -> q.filterExpression("#s = :status"));
        if (start != null) {
          q.exclusiveStartKey(start);
        }
        QueryResponse r = dynamo.query(q.build());
        for (Map<String, AttributeValue> item : r.items()) {
          if (items.size() == limit) {
            return new Page<>(items, Optional.of(cursorAfter(items.get(limit - 1))));
          }
          items.add(fromItem(item));
        }
        if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
          return new Page<>(items, Optional.empty());
        }
        if (items.size() == limit) {
          // more may follow; the next page may turn out empty
          return new Page<>(items, Optional.of(cursorAfter(items.get(limit - 1))));
        }
        start = r.lastEvaluatedKey();
      }
    } catch (SdkException e) {
      throw new StorageException("DynamoDB Query failed for an owner's jobs", e);
    }
  }

  /**
   * Creates the job table as the SAM template does (on-demand, key {@value #JOB_ID}, index {@value
   * #OWNER_INDEX}, TTL on {@value #EXPIRES_AT}) and waits until it is active. For tests and local
   * use. An endpoint without the TTL API (some emulators) gets the table without TTL, and a
   * warning.
   */
  public static void createTable(DynamoDbClient dynamo, String name) {
    Objects.requireNonNull(dynamo, "dynamo");
    try {
      dynamo.createTable(
          b ->
              b.tableName(name)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .attributeDefinitions(
                      attribute(JOB_ID), attribute(OWNER), attribute(SUBMITTED_AT))
                  .keySchema(key(JOB_ID, KeyType.HASH))
                  .globalSecondaryIndexes(
                      GlobalSecondaryIndex.builder()
                          .indexName(OWNER_INDEX)
                          .keySchema(key(OWNER, KeyType.HASH), key(SUBMITTED_AT, KeyType.RANGE))
                          .projection(p -> p.projectionType(ProjectionType.ALL))
                          .build()));
      awaitActive(dynamo, name, Duration.ofMinutes(5));
    } catch (SdkException e) {
      throw new StorageException("DynamoDB CreateTable failed for " + name, e);
    }
    try {
      dynamo.updateTimeToLive(
          b ->
              b.tableName(name)
                  .timeToLiveSpecification(t -> t.attributeName(EXPIRES_AT).enabled(true)));
    } catch (DynamoDbException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (code == null || !code.contains("UnknownOperation")) {
        throw new StorageException("DynamoDB UpdateTimeToLive failed for " + name, e);
      }
      LOG.warn("this DynamoDB endpoint has no TTL API; table {} created without TTL", name);
    } catch (SdkException e) {
      throw new StorageException("DynamoDB UpdateTimeToLive failed for " + name, e);
    }
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static void awaitActive(DynamoDbClient dynamo, String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      TableDescription t = dynamo.describeTable(b -> b.tableName(name)).table();
      boolean indexesActive =
          t.globalSecondaryIndexes().stream()
              .allMatch(i -> i.indexStatus() == null || i.indexStatus() == IndexStatus.ACTIVE);
      if (t.tableStatus() == TableStatus.ACTIVE && indexesActive) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new StorageException("DynamoDB table " + name + " not active after " + timeout);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for table " + name, e);
      }
    }
  }

  private Job fromItem(Map<String, AttributeValue> item) {
    try {
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
          str(item, ERROR));
    } catch (RuntimeException e) {
      throw new StorageException(
          "job item in " + tableName + " is malformed: " + e.getMessage(), e);
    }
  }

  private static String cursorAfter(Job last) {
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

  private static Map<String, AttributeValue> decodeCursor(String cursor, Owner owner) {
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

  private long expiry(Instant at) {
    return at.plus(retention).getEpochSecond();
  }

  static String sortable(Instant t) {
    return SORTABLE_INSTANT.format(t);
  }

  private static void putIfSet(Map<String, AttributeValue> item, String name, String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
