package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.core.contract.JobTableContract;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Page;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The job-table contract against dynalite, one fresh table per test. */
class DynamoDbJobTableTest extends JobTableContract {

  private static final Duration RETENTION = Duration.ofDays(30);

  private static AwsClients aws;
  private static DynamoDbClient dynamo;

  private String tableName;

  @BeforeAll
  static void startDynalite() {
    aws = TestAws.clients().dynamoDbEndpoint(LocalDynamoDb.shared().endpoint()).build();
    dynamo = aws.dynamoDb();
  }

  @AfterAll
  static void closeClients() {
    aws.close();
  }

  @Override
  protected JobTable createTable(MutableClock clock) {
    tableName = "jobs-" + UUID.randomUUID();
    DynamoDbJobTable.createTable(dynamo, tableName);
    return new DynamoDbJobTable(dynamo, tableName, RETENTION);
  }

  private Map<String, AttributeValue> rawItem(Job job) {
    return dynamo
        .getItem(
            b ->
                b.tableName(tableName)
                    .key(Map.of("jobId", AttributeValue.fromS(job.id().toString())))
                    .consistentRead(true))
        .item();
  }

  @Test
  void created_table_has_the_job_id_key_and_the_owner_index() {
    TableDescription t = dynamo.describeTable(b -> b.tableName(tableName)).table();

    assertThat(t.keySchema())
        .singleElement()
        .satisfies(k -> assertThat(k.attributeName()).isEqualTo("jobId"));
    assertThat(t.globalSecondaryIndexes())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.indexName()).isEqualTo("owner-submittedAt-index");
              assertThat(i.keySchema())
                  .extracting(k -> k.attributeName() + ":" + k.keyTypeAsString())
                  .containsExactly("owner:HASH", "submittedAt:RANGE");
              assertThat(i.projection().projectionTypeAsString()).isEqualTo("ALL");
            });
  }

  @Test
  void item_carries_readable_attributes_and_a_ttl_of_last_change_plus_retention() {
    Job job = stored(ALICE);

    Map<String, AttributeValue> item = rawItem(job);
    assertThat(item.get("owner").s()).isEqualTo(ALICE.sub());
    assertThat(item.get("status").s()).isEqualTo("submitted");
    assertThat(item.get("submittedAt").s()).isEqualTo("2030-01-01T00:00:01.000000000Z");
    assertThat(item.get("attempts").n()).isEqualTo("0");
    assertThat(item.get("expiresAt").n())
        .isEqualTo(Long.toString(job.updatedAt().plus(RETENTION).getEpochSecond()));
    assertThat(item).doesNotContainKeys("outputKey", "error");

    Instant later = job.updatedAt().plusSeconds(3600);
    assertThat(table.update(job.next(JobStatus.PROCESSING, later, 1, null, "x: y"))).isTrue();
    assertThat(rawItem(job).get("expiresAt").n())
        .isEqualTo(Long.toString(later.plus(RETENTION).getEpochSecond()));
  }

  @Test
  void attempt_errors_are_kept_as_a_list_and_the_version_as_a_number() {
    Job job = stored(ALICE);
    Job retried =
        job.next(JobStatus.PROCESSING, clock.instant(), 1, null, "java.io.IOException: x");
    assertThat(table.update(retried)).isTrue();
    assertThat(
            table.update(
                retried.next(JobStatus.COMPLETE, clock.instant(), 2, "jobs/out.json", null)))
        .isTrue();

    Map<String, AttributeValue> item = rawItem(job);
    assertThat(item.get("errors").l())
        .extracting(AttributeValue::s)
        .containsExactly("java.io.IOException: x");
    assertThat(item.get("version").n()).isEqualTo("2");
    assertThat(item).containsKey("outputKey");
  }

  @Test
  void an_item_written_before_versions_reads_as_version_zero_and_can_be_updated() {
    Job job = stored(ALICE);
    Map<String, AttributeValue> legacy = new java.util.HashMap<>(rawItem(job));
    legacy.remove("version");
    legacy.remove("errors");
    legacy.put("error", AttributeValue.fromS("E: from the old release"));
    dynamo.putItem(b -> b.tableName(tableName).item(legacy));

    Job read = table.find(job.id()).orElseThrow();
    assertThat(read.version()).isZero();
    assertThat(read.errors()).containsExactly("E: from the old release");
    assertThat(table.update(read.next(JobStatus.PROCESSING, clock.instant(), 1, null, null)))
        .isTrue();
    assertThat(table.find(job.id()).orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void submission_times_sort_as_instants_across_fraction_lengths() {
    Instant whole = Instant.parse("2031-05-05T10:00:00Z");
    Job a = Job.submitted(dev.qbi.core.job.JobId.random(), ALICE, "m", whole);
    Job b = Job.submitted(dev.qbi.core.job.JobId.random(), ALICE, "m", whole.plusMillis(500));
    Job c = Job.submitted(dev.qbi.core.job.JobId.random(), ALICE, "m", whole.plusSeconds(1));
    table.insertIfAbsent(b);
    table.insertIfAbsent(c);
    table.insertIfAbsent(a);

    assertThat(walk(ALICE, Optional.empty(), 10)).containsExactly(c.id(), b.id(), a.id());
  }

  @Test
  void sparse_status_filter_pages_through_many_non_matching_jobs() {
    Job wanted = stored(ALICE);
    advanced(wanted, JobStatus.PROCESSING);
    for (int i = 0; i < 150; i++) {
      stored(ALICE);
    }

    Page<Job> page =
        table.listByOwner(ALICE, Optional.of(JobStatus.PROCESSING), 5, Optional.empty());

    assertThat(ids(page.items())).containsExactly(wanted.id());
    assertThat(page.next()).isEmpty();
  }

  @Test
  void another_owners_cursor_is_refused() {
    stored(BOB);
    stored(BOB);
    String bobsCursor =
        table.listByOwner(BOB, Optional.empty(), 1, Optional.empty()).next().orElseThrow();

    assertThatThrownBy(() -> table.listByOwner(ALICE, Optional.empty(), 1, Optional.of(bobsCursor)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void a_missing_table_is_a_storage_error() {
    JobTable missing = new DynamoDbJobTable(dynamo, "no-such-table-" + UUID.randomUUID());

    assertThatThrownBy(() -> missing.find(dev.qbi.core.job.JobId.random()))
        .isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> missing.insertIfAbsent(newJob(ALICE)))
        .isInstanceOf(StorageException.class);
  }

  @Test
  void retention_must_be_positive() {
    assertThatThrownBy(() -> new DynamoDbJobTable(dynamo, "t", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DynamoDbJobTable(dynamo, "t", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
