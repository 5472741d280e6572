package dev.qbi.adapters.aws;

import dev.qbi.core.Defaults;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link JobTable} on DynamoDB (low-level API), one item per job.
 *
 * <p>Item: {@value #JOB_ID} (S, the table's key), {@value #OWNER} (S), {@value #STATUS} (S, wire
 * name), {@value #SUBMITTED_AT} and {@value #UPDATED_AT} (S, fixed-width ISO-8601 UTC with 9
 * fraction digits, so strings sort like instants), {@value #ATTEMPTS} (N), {@value #PAYLOAD_MD5},
 * {@value #OUTPUT_KEY}, {@value #ERROR} (S, the latest attempt error, when set), {@value #ERRORS}
 * (L of S, the last attempts' errors), {@value #VERSION} (N) and {@value #EXPIRES_AT} (N, epoch
 * seconds: the TTL attribute, last change + retention).
 *
 * <p>Listing uses the global secondary index {@value #OWNER_INDEX} ({@value #OWNER} / {@value
 * #SUBMITTED_AT}, all attributes projected), newest first. Its reads are eventually consistent on
 * AWS: a job changed a moment ago may show its previous status in a listing (not in {@link #find},
 * which reads consistently). The page cursor is the base64url JSON of the last listed item's index
 * key.
 *
 * <p>Every change is conditional: insert on {@code attribute_not_exists(jobId)}, update (a
 * whole-item put) on {@code version = :previous}; a failed condition returns false. Other SDK
 * failures surface as {@link StorageException}.
 */
public final class DynamoDbJobTable implements JobTable {

  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbJobTable.class);

  public static final String OWNER_INDEX = "owner-submittedAt-index";
  public static final Duration DEFAULT_RETENTION = Defaults.RETENTION;

  public static final String JOB_ID = "jobId";
  public static final String OWNER = "owner";
  public static final String STATUS = "status";
  public static final String SUBMITTED_AT = "submittedAt";
  public static final String UPDATED_AT = "updatedAt";
  public static final String ATTEMPTS = "attempts";
  public static final String PAYLOAD_MD5 = "payloadMd5";
  public static final String OUTPUT_KEY = "outputKey";
  public static final String ERROR = "error";
  public static final String ERRORS = "errors";
  public static final String VERSION = "version";
  public static final String CANCEL_REQUESTED_AT = "cancelRequestedAt";
  public static final String REDRIVEN_AT = "redrivenAt";
  public static final String EARLIER_ATTEMPTS = "earlierAttempts";
  public static final String EXPIRES_AT = "expiresAt";

  /** Items read per query page when a status filter may discard many of them. */
  private static final int FILTERED_PAGE = 100;

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
    Map<String, AttributeValue> item = JobItems.toItem(job, expiry(job.updatedAt()));
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
                      .key(Map.of(JOB_ID, JobItems.s(id.toString())))
                      .consistentRead(true));
      return r.hasItem() && !r.item().isEmpty()
          ? Optional.of(fromItem(r.item()))
          : Optional.empty();
    } catch (SdkException e) {
      throw new StorageException("DynamoDB GetItem failed for job " + id, e);
    }
  }

  /** Replaces the whole item, on condition that it is still at the previous version. */
  @Override
  public boolean update(Job next) {
    Objects.requireNonNull(next, "next");
    long previous = next.version() - 1;
    // an item written before jobs had versions has none: it counts as version 0
    String condition =
        previous == 0
            ? "attribute_exists(#id) AND (attribute_not_exists(#v) OR #v = :prev)"
            : "#v = :prev";
    try {
      dynamo.putItem(
          b ->
              b.tableName(tableName)
                  .item(JobItems.toItem(next, expiry(next.updatedAt())))
                  .conditionExpression(condition)
                  .expressionAttributeNames(
                      previous == 0 ? Map.of("#id", JOB_ID, "#v", VERSION) : Map.of("#v", VERSION))
                  .expressionAttributeValues(Map.of(":prev", JobItems.n(previous))));
      LOG.debug("job {} -> {} (v{})", next.id(), next.status().wireName(), next.version());
      return true;
    } catch (ConditionalCheckFailedException lost) {
      LOG.debug("job {} is no longer at v{}: update skipped", next.id(), previous);
      return false;
    } catch (SdkException e) {
      throw new StorageException("DynamoDB PutItem failed for job " + next.id(), e);
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
    Map<String, AttributeValue> start =
        cursor.map(c -> JobItems.decodeCursor(c, owner)).orElse(null);
    Map<String, String> names = new HashMap<>(Map.of("#owner", OWNER));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":owner", JobItems.s(owner.sub())));
    status.ifPresent(
        st -> {
          names.put("#s", STATUS);
          values.put(":status", JobItems.s(st.wireName()));
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
            return new Page<>(items, Optional.of(JobItems.cursorAfter(items.get(limit - 1))));
          }
          items.add(fromItem(item));
        }
        if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
          return new Page<>(items, Optional.empty());
        }
        if (items.size() == limit) {
          // more may follow; the next page may turn out empty
          return new Page<>(items, Optional.of(JobItems.cursorAfter(items.get(limit - 1))));
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
   * use.
   */
  public static void createTable(DynamoDbClient dynamo, String name) {
    JobTableSchema.create(dynamo, name);
  }

  private Job fromItem(Map<String, AttributeValue> item) {
    try {
      return JobItems.fromItem(item);
    } catch (RuntimeException e) {
      throw new StorageException(
          "job item in " + tableName + " is malformed: " + e.getMessage(), e);
    }
  }

  private long expiry(Instant at) {
    return at.plus(retention).getEpochSecond();
  }
}
