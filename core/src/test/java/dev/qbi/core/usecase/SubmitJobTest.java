package dev.qbi.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.Defaults;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobStatus;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.InMemoryJobIntake;
import dev.qbi.core.testing.InMemoryJobQueue;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SubmitJobTest {

  private static final Owner ALICE = new Owner("alice-sub");
  private static final String UUID_LOWER =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final MutableClock clock = MutableClock.startingAt("2026-03-01T10:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final InMemoryJobQueue queue = new InMemoryJobQueue(clock);
  private final SubmitJob submit =
      new SubmitJob(new InMemoryJobIntake(table, queue), clock, Defaults.MAX_BODY_BYTES);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void assertNothingStored() {
    assertThat(table.size()).isZero();
    assertThat(queue.depth()).isZero();
  }

  @Test
  void empty_body_is_an_invalid_request() {
    assertThatThrownBy(() -> submit.submit(ALICE, new byte[0]))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> submit.submit(ALICE, null))
        .isInstanceOf(InvalidRequestException.class);
    assertNothingStored();
  }

  @Test
  void blank_body_is_an_invalid_request() {
    assertThatThrownBy(() -> submit.submit(ALICE, utf8(" \n\t ")))
        .isInstanceOf(InvalidRequestException.class);
    assertNothingStored();
  }

  @Test
  void body_that_is_not_json_is_an_invalid_request() {
    for (String body : List.of("hello", "{bad json}", "{\"a\":1", "[1,2", "<xml/>", "{'a':1}")) {
      assertThatThrownBy(() -> submit.submit(ALICE, utf8(body)))
          .as(body)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageStartingWith("Request body is not valid JSON");
    }
    assertNothingStored();
  }

  @Test
  void trailing_garbage_after_the_json_document_is_an_invalid_request() {
    for (String body :
        List.of("{\"a\":1} x", "{} {}", "[1]]", "{\"a\":1}}", "{} 1", "\"s\" \"t\"")) {
      assertThatThrownBy(() -> submit.submit(ALICE, utf8(body)))
          .as(body)
          .isInstanceOf(InvalidRequestException.class);
    }
    assertNothingStored();
  }

  @Test
  void trailing_whitespace_after_the_document_is_accepted() {
    assertThat(submit.submit(ALICE, utf8("{\"a\":1}\n  \r\n")).messageId()).isNotNull();
  }

  @Test
  void body_over_the_limit_is_payload_too_large() {
    SubmitJob small = new SubmitJob(new InMemoryJobIntake(table, queue), clock, 16);
    byte[] seventeen = utf8("{\"a\":\"123456789\"}");
    assertThat(seventeen).hasSize(17);

    assertThatThrownBy(() -> small.submit(ALICE, seventeen))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("16");
    assertNothingStored();
  }

  @Test
  void body_exactly_at_the_limit_is_accepted() {
    SubmitJob small = new SubmitJob(new InMemoryJobIntake(table, queue), clock, 16);
    byte[] sixteen = utf8("{\"a\":\"12345678\"}");
    assertThat(sixteen).hasSize(16);

    assertThat(small.submit(ALICE, sixteen).messageId()).isNotNull();
  }

  @Test
  void oversized_garbage_is_reported_as_too_large_before_parsing() {
    SubmitJob small = new SubmitJob(new InMemoryJobIntake(table, queue), clock, 4);
    assertThatThrownBy(() -> small.submit(ALICE, utf8("not json at all")))
        .isInstanceOf(PayloadTooLargeException.class);
  }

  @Test
  void limit_must_be_positive() {
    assertThatThrownBy(() -> new SubmitJob(new InMemoryJobIntake(table, queue), clock, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void accepted_job_gets_a_lowercase_uuid_and_the_md5_of_its_body() {
    SubmitJob.Receipt receipt = submit.submit(ALICE, utf8("{}"));

    assertThat(receipt.messageId().toString()).matches(UUID_LOWER);
    assertThat(receipt.md5OfMessageBody()).isEqualTo("99914b932bd37a50b983c5e7c90ae93b");
    assertThat(receipt.requestId())
        .matches(UUID_LOWER)
        .isNotEqualTo(receipt.messageId().toString());
  }

  @Test
  void request_ids_are_distinct_version_4_uuids() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      UUID id = SubmitJob.requestId();
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      seen.add(id);
    }
    assertThat(seen).hasSize(1_000);
    // the same digest from the shared prototype, whatever the order of calls
    assertThat(SubmitJob.md5Hex(utf8("{}"))).isEqualTo("99914b932bd37a50b983c5e7c90ae93b");
    assertThat(SubmitJob.md5Hex(utf8(""))).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(SubmitJob.md5Hex(utf8("{}"))).isEqualTo("99914b932bd37a50b983c5e7c90ae93b");
  }

  @Test
  void md5_is_that_of_the_exact_body_bytes() {
    SubmitJob.Receipt receipt =
        submit.submit(ALICE, utf8("{\"testMessagePaylaod\":\"paylaod123\"}"));

    assertThat(receipt.md5OfMessageBody()).isEqualTo("85779307de59fb4503b51818f97a6355");
  }

  @Test
  void accepted_job_is_stored_as_submitted_for_its_owner_and_queued_with_its_body()
      throws InterruptedException {
    byte[] body = utf8("{\"city\":\"Zürich\"}");

    SubmitJob.Receipt receipt = submit.submit(ALICE, body);

    Job job = table.find(receipt.messageId()).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.SUBMITTED);
    assertThat(job.owner()).isEqualTo(ALICE);
    assertThat(job.submittedAt()).isEqualTo(clock.instant());
    assertThat(job.updatedAt()).isEqualTo(clock.instant());
    assertThat(job.attempts()).isZero();
    assertThat(job.payloadMd5()).isEqualTo(receipt.md5OfMessageBody());
    assertThat(job.output()).isEmpty();
    assertThat(job.failure()).isEmpty();

    List<Delivery> queued = queue.receive(10, Duration.ofSeconds(30), Duration.ZERO);
    assertThat(queued).hasSize(1);
    assertThat(queued.get(0).message().jobId()).isEqualTo(receipt.messageId());
    assertThat(queued.get(0).message().owner()).isEqualTo(ALICE);
    assertThat(queued.get(0).message().body()).isEqualTo(body);
    assertThat(queued.get(0).receiveCount()).isEqualTo(1);
  }

  @Test
  void each_submission_is_a_new_job() {
    SubmitJob.Receipt first = submit.submit(ALICE, utf8("{}"));
    SubmitJob.Receipt second = submit.submit(ALICE, utf8("{}"));

    assertThat(first.messageId()).isNotEqualTo(second.messageId());
    assertThat(table.size()).isEqualTo(2);
    assertThat(queue.depth()).isEqualTo(2);
  }

  @Test
  void a_storage_failure_is_not_answered_with_a_receipt() {
    SubmitJob failing =
        new SubmitJob(
            (job, message) -> {
              throw new StorageException("disk full");
            },
            clock,
            Defaults.MAX_BODY_BYTES);

    assertThatThrownBy(() -> failing.submit(ALICE, utf8("{}")))
        .isInstanceOf(StorageException.class);
  }
}
