package dev.qbi.core.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.qbi.core.Defaults;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobHandlers;
import dev.qbi.core.port.PermanentJobFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WeatherSimulatorTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, JsonNodeType> FIELD_TYPES =
      Map.of(
          "station", JsonNodeType.STRING,
          "geoLocation", JsonNodeType.STRING,
          "localTime", JsonNodeType.STRING,
          "conditions", JsonNodeType.STRING,
          "temperature", JsonNodeType.NUMBER,
          "pressure", JsonNodeType.NUMBER,
          "humidity", JsonNodeType.NUMBER);

  private static JobHandler.Request request() {
    return new JobHandler.Request(
        JobId.random(),
        new Owner("user-1"),
        "{\"testMessagePaylaod\":\"paylaod123\"}".getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode records(JobHandler.Output output) throws Exception {
    JsonNode root = MAPPER.readTree(output.content());
    assertThat(root.isObject()).isTrue();
    assertThat(root.properties()).hasSize(1);
    JsonNode records = root.get("weatherData");
    assertThat(records).isNotNull();
    assertThat(records.isArray()).isTrue();
    return records;
  }

  private static WeatherObservation toObservation(JsonNode r) {
    return new WeatherObservation(
        r.get("station").textValue(),
        r.get("geoLocation").textValue(),
        r.get("localTime").textValue(),
        r.get("conditions").textValue(),
        r.get("temperature").doubleValue(),
        r.get("pressure").doubleValue(),
        r.get("humidity").intValue());
  }

  @Test
  void is_the_default_handler_by_name() {
    assertThat(new WeatherSimulator().name())
        .isEqualTo(Defaults.JOB_HANDLER)
        .isEqualTo("weather-simulator");
  }

  @Test
  void output_is_a_json_document_of_99_weather_records() throws Exception {
    JobHandler.Output output = new WeatherSimulator().handle(request());

    assertThat(output.contentType()).isEqualTo("application/json");
    assertThat(records(output)).hasSize(99);
  }

  @Test
  void every_record_has_exactly_the_seven_fields_with_their_json_types() throws Exception {
    JsonNode records = records(new WeatherSimulator().handle(request()));

    for (JsonNode r : records) {
      assertThat(r.isObject()).isTrue();
      Set<String> names =
          r.properties().stream().map(Map.Entry::getKey).collect(Collectors.toSet());
      assertThat(names).isEqualTo(FIELD_TYPES.keySet());
      FIELD_TYPES.forEach(
          (field, type) -> assertThat(r.get(field).getNodeType()).as(field).isEqualTo(type));
      assertThat(r.get("humidity").isIntegralNumber()).isTrue();
    }
  }

  @Test
  void every_record_comes_from_the_data_set() throws Exception {
    Set<WeatherObservation> known = new HashSet<>(WeatherDataSet.bundled().observations());

    for (JsonNode r : records(new WeatherSimulator().handle(request()))) {
      assertThat(known).contains(toObservation(r));
    }
  }

  @Test
  void non_ascii_station_names_survive_as_utf8() throws Exception {
    WeatherObservation zurich =
        new WeatherObservation(
            "LSZH Zürich \"Kloten\"",
            "47.4582,8.5555",
            "2026-02-01T10:20:00+01:00",
            "Snow",
            -1.5,
            1011.0,
            93);
    WeatherSimulator simulator = new WeatherSimulator(WeatherDataSet.of(List.of(zurich)), 3);

    JsonNode records = records(simulator.handle(request()));

    assertThat(records).hasSize(3);
    for (JsonNode r : records) {
      assertThat(toObservation(r)).isEqualTo(zurich);
    }
  }

  @Test
  void records_are_drawn_at_random() throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();
    Set<String> first = new HashSet<>();
    records(simulator.handle(request())).forEach(r -> first.add(r.toString()));
    String second = new String(simulator.handle(request()).content(), StandardCharsets.UTF_8);
    String third = new String(simulator.handle(request()).content(), StandardCharsets.UTF_8);

    // 99 draws from 300+ lines: many distinct records, and two documents almost surely differ
    assertThat(first).hasSizeGreaterThan(40);
    assertThat(second).isNotEqualTo(third);
  }

  @Test
  void record_count_is_configurable_and_must_be_positive() throws Exception {
    assertThat(records(new WeatherSimulator(5).handle(request()))).hasSize(5);
    assertThat(records(new WeatherSimulator(1).handle(request()))).hasSize(1);
    assertThatThrownBy(() -> new WeatherSimulator(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrent_calls_each_produce_a_valid_document() throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<JobHandler.Output>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> simulator.handle(request())));
      }
      for (Future<JobHandler.Output> f : results) {
        assertThat(records(f.get())).hasSize(99);
      }
    }
  }

  @Test
  void service_loader_finds_the_simulator_by_name() {
    JobHandler handler = JobHandlers.named("weather-simulator");

    assertThat(handler).isInstanceOf(WeatherSimulator.class);
    assertThat(((WeatherSimulator) handler).recordCount()).isEqualTo(99);
    assertThat(JobHandlers.available().stream().map(JobHandler::name).collect(Collectors.toList()))
        .contains("weather-simulator");
  }

  @Test
  void unknown_handler_name_is_a_clear_error_listing_the_available_ones() {
    assertThatThrownBy(() -> JobHandlers.named("no-such-handler"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-handler")
        .hasMessageContaining("available: ")
        .hasMessageContaining("weather-simulator");
  }

  private static JobHandler.Request requestWith(String payload) {
    return new JobHandler.Request(
        JobId.random(), new Owner("user-1"), payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void payload_with_simulate_failure_string_throws_illegal_state_with_that_message() {
    WeatherSimulator simulator = new WeatherSimulator();

    assertThatThrownBy(
            () -> simulator.handle(requestWith("{\"a\":1, \"simulateFailure\" : \"e2e failure\"}")))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("e2e failure");
  }

  @Test
  void simulate_failure_that_is_not_a_top_level_string_field_does_not_fail_the_job()
      throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();

    for (String payload :
        List.of(
            "{\"simulateFailure\":true}",
            "{\"simulateFailure\":null}",
            "{\"nested\":{\"simulateFailure\":\"x\"}}",
            "[\"simulateFailure\"]",
            "{\"note\":\"\\\"simulateFailure\\\" in a string\"}",
            "\"simulateFailure\" not json")) {
      assertThat(records(simulator.handle(requestWith(payload)))).as(payload).hasSize(99);
    }
  }

  @Test
  void trigger_detection_does_not_parse_payloads_without_the_marker() {
    assertThat(WeatherSimulator.triggers("{not json at all".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(WeatherSimulator.Triggers.NONE);
    assertThat(WeatherSimulator.triggers(new byte[0])).isEqualTo(WeatherSimulator.Triggers.NONE);
    assertThat(
            WeatherSimulator.triggers(
                    "{\"simulateFailure\":\"boom\"}".getBytes(StandardCharsets.UTF_8))
                .failure())
        .contains("boom");
  }

  private static JobHandler.Request attempt(String payload, int attempt) {
    return new JobHandler.Request(
        JobId.random(), new Owner("user-1"), payload.getBytes(StandardCharsets.UTF_8), attempt);
  }

  @Test
  void simulate_duration_seconds_sleeps_before_answering() throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();

    long start = System.nanoTime();
    JobHandler.Output output = simulator.handle(requestWith("{\"simulateDurationSeconds\":0.3}"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(records(output)).hasSize(99);
  }

  @Test
  void simulate_duration_seconds_stops_at_once_when_interrupted() throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread worker =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    simulator.handle(requestWith("{\"simulateDurationSeconds\":60}"));
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    Thread.sleep(100);

    long start = System.nanoTime();
    worker.interrupt();
    assertThat(worker.join(Duration.ofSeconds(5))).as("stopped").isTrue();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
  }

  @Test
  void simulate_failure_attempts_fails_the_first_n_attempts_then_succeeds() throws Exception {
    WeatherSimulator simulator = new WeatherSimulator();
    String payload = "{\"simulateFailureAttempts\": 2}";

    assertThatThrownBy(() -> simulator.handle(attempt(payload, 1)))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("simulated failure of attempt 1 (simulateFailureAttempts: 2)");
    assertThatThrownBy(() -> simulator.handle(attempt(payload, 2)))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("simulated failure of attempt 2 (simulateFailureAttempts: 2)");
    assertThat(records(simulator.handle(attempt(payload, 3)))).hasSize(99);
    assertThat(records(simulator.handle(attempt("{\"simulateFailureAttempts\": 0}", 1))))
        .hasSize(99);
  }

  @Test
  void a_request_without_an_attempt_number_is_the_first_attempt() {
    assertThat(requestWith("{}").attempt()).isEqualTo(1);
    assertThatThrownBy(() -> attempt("{}", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trigger_values_out_of_range_are_permanent_failures_naming_the_field() {
    WeatherSimulator simulator = new WeatherSimulator();

    for (String payload :
        List.of(
            "{\"simulateDurationSeconds\": -1}",
            "{\"simulateDurationSeconds\": 3601}",
            "{\"simulateDurationSeconds\": \"5\"}",
            "{\"simulateDurationSeconds\": true}")) {
      assertThatThrownBy(() -> simulator.handle(requestWith(payload)))
          .as(payload)
          .isExactlyInstanceOf(PermanentJobFailure.class)
          .hasMessageStartingWith(
              "simulateDurationSeconds must be a number of seconds from 0 to 3600, was ");
    }
    for (String payload :
        List.of(
            "{\"simulateFailureAttempts\": -1}",
            "{\"simulateFailureAttempts\": 101}",
            "{\"simulateFailureAttempts\": 1.5}",
            "{\"simulateFailureAttempts\": 99999999999}",
            "{\"simulateFailureAttempts\": \"2\"}")) {
      assertThatThrownBy(() -> simulator.handle(requestWith(payload)))
          .as(payload)
          .isExactlyInstanceOf(PermanentJobFailure.class)
          .hasMessageStartingWith("simulateFailureAttempts must be a whole number from 0 to 100");
    }
    assertThatThrownBy(() -> simulator.handle(requestWith("{\"simulateDurationSeconds\": -1}")))
        .hasMessageEndingWith("was -1");
  }

  @Test
  void triggers_combine_and_ignore_null_values() throws Exception {
    WeatherSimulator.Triggers t =
        WeatherSimulator.triggers(
            ("{\"simulateDurationSeconds\":1.5,\"simulateFailureAttempts\":3,"
                    + "\"simulateFailure\":\"x\"}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(t.duration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(t.failureAttempts()).isEqualTo(3);
    assertThat(t.failure()).contains("x");

    WeatherSimulator simulator = new WeatherSimulator();
    assertThat(
            records(
                simulator.handle(
                    requestWith(
                        "{\"simulateDurationSeconds\":null,\"simulateFailureAttempts\":null}"))))
        .hasSize(99);
  }
}
