package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.Owner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SqsMessages#toDelivery}: one message of an SQS Lambda event to a delivery. */
class SqsEventMessageTest {

  private static final String MESSAGE_ID = "059f36b4-87a3-44ab-83d2-661975830a7d";
  private static final Map<String, String> SYSTEM =
      Map.of("ApproximateReceiveCount", "2", "SentTimestamp", "1545082649183");

  @Test
  void api_gateway_message_uses_the_sqs_message_id_as_job_id() {
    Delivery d =
        SqsMessages.toDelivery(
            MESSAGE_ID,
            "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
            "{\"x\":1}",
            SYSTEM,
            Map.of("owner", "sub-123"));

    assertThat(d.message().jobId().toString()).isEqualTo(MESSAGE_ID);
    assertThat(d.message().owner()).isEqualTo(new Owner("sub-123"));
    assertThat(new String(d.message().body(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
    assertThat(d.message().sentAt()).isEqualTo(Instant.ofEpochMilli(1545082649183L));
    assertThat(d.receipt()).isEqualTo("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a");
    assertThat(d.receiveCount()).isEqualTo(2);
  }

  @Test
  void job_id_attribute_wins_over_the_message_id() {
    String jobId = "4a3f3a55-8b0b-4d3c-9d0e-3f6f1d2b7c11";

    Delivery d =
        SqsMessages.toDelivery(MESSAGE_ID, "r", "{}", SYSTEM, Map.of("owner", "o", "jobId", jobId));

    assertThat(d.message().jobId().toString()).isEqualTo(jobId);
  }

  @Test
  void missing_system_attributes_count_as_first_delivery_at_the_epoch() {
    Delivery d = SqsMessages.toDelivery(MESSAGE_ID, "r", "{}", Map.of(), Map.of("owner", "o"));

    assertThat(d.receiveCount()).isEqualTo(1);
    assertThat(d.message().sentAt()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void message_that_is_not_a_job_message_is_refused() {
    assertThatThrownBy(() -> SqsMessages.toDelivery(MESSAGE_ID, "r", "{}", SYSTEM, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owner");
    assertThatThrownBy(
            () -> SqsMessages.toDelivery("not-a-uuid", "r", "{}", SYSTEM, Map.of("owner", "o")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UUID");
    assertThatThrownBy(
            () ->
                SqsMessages.toDelivery(
                    MESSAGE_ID,
                    "r",
                    "{}",
                    Map.of("ApproximateReceiveCount", "many"),
                    Map.of("owner", "o")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> SqsMessages.toDelivery(MESSAGE_ID, "", "{}", SYSTEM, Map.of("owner", "o")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
