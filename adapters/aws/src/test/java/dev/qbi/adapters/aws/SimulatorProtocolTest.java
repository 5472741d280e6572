package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JSON between the job processor and the batch-simulator function. */
class SimulatorProtocolTest {

  @Test
  void request_round_trips_the_body_byte_for_byte() throws Exception {
    JobHandler.Request job =
        new JobHandler.Request(
            JobId.random(),
            new Owner("alice"),
            "{\"a\":\"\\u00e9 é\",\n \"b\": [1, 2.50]}".getBytes(StandardCharsets.UTF_8));

    byte[] wire = SimulatorProtocol.write(SimulatorProtocol.Request.of(job));
    JobHandler.Request back = SimulatorProtocol.readRequest(wire).toJobRequest();

    assertThat(back.jobId()).isEqualTo(job.jobId());
    assertThat(back.owner()).isEqualTo(job.owner());
    assertThat(back.payload()).isEqualTo(job.payload());
  }

  @Test
  void request_carries_the_attempt_number() throws Exception {
    JobHandler.Request job =
        new JobHandler.Request(
            JobId.random(), new Owner("alice"), "{}".getBytes(StandardCharsets.UTF_8), 3);

    byte[] wire = SimulatorProtocol.write(SimulatorProtocol.Request.of(job));

    assertThat(new ObjectMapper().readTree(wire).get("attempt").asInt()).isEqualTo(3);
    assertThat(SimulatorProtocol.readRequest(wire).toJobRequest().attempt()).isEqualTo(3);
  }

  @Test
  void request_without_an_attempt_is_the_first_attempt() throws Exception {
    String id = JobId.random().toString();
    SimulatorProtocol.Request old =
        SimulatorProtocol.readRequest(
            ("{\"jobId\":\"" + id + "\",\"owner\":\"a\",\"payload\":\"{}\"}").getBytes());

    assertThat(old.toJobRequest().attempt()).isEqualTo(1);
    assertThat(new SimulatorProtocol.Request(id, "a", "{}").toJobRequest().attempt()).isEqualTo(1);
    assertThatThrownBy(() -> new SimulatorProtocol.Request(id, "a", "{}", 0).toJobRequest())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempt");
  }

  @Test
  void request_without_an_id_is_refused() throws Exception {
    SimulatorProtocol.Request bad =
        SimulatorProtocol.readRequest("{\"owner\":\"a\",\"payload\":\"{}\"}".getBytes());

    assertThatThrownBy(bad::toJobRequest).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void response_has_the_originals_field_names() throws Exception {
    JsonNode json =
        new ObjectMapper()
            .readTree(
                SimulatorProtocol.write(
                    SimulatorProtocol.Response.complete("b", "jobs/x.json", "r")));

    assertThat(json.get("jobStatus").asText()).isEqualTo("complete");
    assertThat(json.get("jobPayloadLocation").asText()).isEqualTo("b");
    assertThat(json.get("jobPayloadKey").asText()).isEqualTo("jobs/x.json");
    assertThat(json.get("jobRequestId").asText()).isEqualTo("r");
  }
}
