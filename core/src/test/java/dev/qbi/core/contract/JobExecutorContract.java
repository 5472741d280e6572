package dev.qbi.core.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.usecase.InProcessJobExecutor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobExecutor} adapter must do, whatever carries the request to the business
 * logic (a call in this JVM, a synchronous Lambda invoke): the job's output lands under the job's
 * key and that key is returned; a failure of the business logic comes back as an exception that
 * keeps the handler's error type and message (the job's recorded failure is the exception's {@code
 * toString()}, {@code Type: message}); a transport that cannot work fails the attempt; running the
 * same job again returns the same key and rewrites the output.
 *
 * <p>Subclass once per adapter and implement {@link #createExecutor}, {@link #storedOutput} and
 * {@link #createBrokenExecutor}.
 */
public abstract class JobExecutorContract {

  /**
   * An executor whose business logic is {@code handler} (the adapter's own carriage of the request
   * in between, e.g. the simulator function behind a Lambda endpoint), writing to the store {@link
   * #storedOutput} reads.
   */
  protected abstract JobExecutor createExecutor(JobHandler handler) throws Exception;

  /** The output stored under {@code key}, as the download route would read it. */
  protected abstract Optional<byte[]> storedOutput(String key) throws Exception;

  /**
   * An executor whose transport fails every time as it would for good (e.g. the function does not
   * exist, the store refuses every write), so that {@code handler}'s output is never stored.
   */
  protected abstract JobExecutor createBrokenExecutor(JobHandler handler) throws Exception;

  /** A business failure that is not a runtime exception. */
  public static final class SimulationException extends Exception {
    private static final long serialVersionUID = 1L;

    public SimulationException(String message) {
      super(message);
    }
  }

  /** A handler that answers with {@code output}s in turn and records what it was asked. */
  protected static final class RecordingHandler implements JobHandler {
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Output> outputs;
    private final AtomicInteger next = new AtomicInteger();

    RecordingHandler(Output... outputs) {
      this.outputs = List.of(outputs);
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public Output handle(Request request) {
      requests.add(request);
      return outputs.get(Math.min(next.getAndIncrement(), outputs.size() - 1));
    }

    public List<Request> requests() {
      return requests;
    }
  }

  /** A handler that answers without an output. */
  private static final JobHandler NO_OUTPUT =
      new JobHandler() {
        @Override
        public String name() {
          return "no-output";
        }

        @Override
        public Output handle(Request request) {
          return null;
        }
      };

  /** A handler that fails with {@code failure} every time. */
  protected static JobHandler failing(Exception failure) {
    return new JobHandler() {
      @Override
      public String name() {
        return "failing";
      }

      @Override
      public Output handle(Request request) throws Exception {
        throw failure;
      }
    };
  }

  protected static JobHandler.Request request(String body) {
    return new JobHandler.Request(JobId.random(), new Owner("owner-" + JobId.random()), utf8(body));
  }

  protected static JobHandler.Output json(String content) {
    return new JobHandler.Output(utf8(content), "application/json");
  }

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void output_is_stored_under_the_jobs_key_and_that_key_is_returned() throws Exception {
    String content = "{\"weatherData\":[{\"city\":\"Zürich\",\"temperature\":-3.5}]}";
    JobExecutor executor = createExecutor(new RecordingHandler(json(content)));
    JobHandler.Request job = request("{}");

    String key = executor.execute(job);

    assertThat(key).isEqualTo(InProcessJobExecutor.outputKey(job.jobId()));
    assertThat(storedOutput(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8(content)));
  }

  @Test
  void jobs_hold_independent_outputs() throws Exception {
    JobExecutor executor =
        createExecutor(new RecordingHandler(json("{\"job\":\"a\"}"), json("{\"job\":\"b\"}")));

    String a = executor.execute(request("{}"));
    String b = executor.execute(request("{}"));

    assertThat(a).isNotEqualTo(b);
    assertThat(storedOutput(a))
        .hasValueSatisfying(x -> assertThat(x).isEqualTo(utf8("{\"job\":\"a\"}")));
    assertThat(storedOutput(b))
        .hasValueSatisfying(x -> assertThat(x).isEqualTo(utf8("{\"job\":\"b\"}")));
  }

  @Test
  void the_handler_gets_the_jobs_id_owner_and_body_unchanged() throws Exception {
    RecordingHandler handler = new RecordingHandler(json("{}"));
    JobExecutor executor = createExecutor(handler);
    JobHandler.Request job = request("{\"a\":\"\\u00e9 é ☃\",\n \"b\": [1, 2.50]}");

    executor.execute(job);

    assertThat(handler.requests()).hasSize(1);
    JobHandler.Request got = handler.requests().get(0);
    assertThat(got.jobId()).isEqualTo(job.jobId());
    assertThat(got.owner()).isEqualTo(job.owner());
    assertThat(got.payload()).isEqualTo(job.payload());
  }

  @Test
  void a_business_failure_keeps_the_handlers_error_type_and_message() throws Exception {
    JobExecutor executor =
        createExecutor(failing(new IllegalStateException("simulated outage in eu-west-1")));
    JobHandler.Request job = request("{}");

    assertThatThrownBy(() -> executor.execute(job))
        .satisfies(
            e ->
                assertThat(e.toString())
                    .contains(IllegalStateException.class.getName())
                    .contains("simulated outage in eu-west-1"));
    assertThat(storedOutput(InProcessJobExecutor.outputKey(job.jobId()))).isEmpty();
  }

  @Test
  void a_checked_business_failure_keeps_its_type_and_message() throws Exception {
    JobExecutor executor =
        createExecutor(failing(new SimulationException("no such city: Atlantis")));

    assertThatThrownBy(() -> executor.execute(request("{}")))
        .satisfies(
            e ->
                assertThat(e.toString())
                    .contains(SimulationException.class.getName())
                    .contains("no such city: Atlantis"));
  }

  @Test
  void a_handler_without_output_fails_the_attempt() throws Exception {
    JobExecutor executor = createExecutor(NO_OUTPUT);
    JobHandler.Request job = request("{}");

    assertThatThrownBy(() -> executor.execute(job)).isInstanceOf(Exception.class);
    assertThat(storedOutput(InProcessJobExecutor.outputKey(job.jobId()))).isEmpty();
  }

  @Test
  void a_transport_that_cannot_work_fails_the_attempt() throws Exception {
    JobExecutor executor = createBrokenExecutor(new RecordingHandler(json("{\"never\":true}")));
    JobHandler.Request job = request("{}");

    assertThatThrownBy(() -> executor.execute(job)).isInstanceOf(Exception.class);
    assertThat(storedOutput(InProcessJobExecutor.outputKey(job.jobId()))).isEmpty();
  }

  @Test
  void the_same_job_twice_returns_the_same_key_and_rewrites_the_output() throws Exception {
    JobExecutor executor =
        createExecutor(new RecordingHandler(json("{\"run\":1}"), json("{\"run\":2}")));
    JobHandler.Request job = request("{}");

    String first = executor.execute(job);
    String second = executor.execute(job);

    assertThat(second).isEqualTo(first);
    assertThat(storedOutput(second))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("{\"run\":2}")));
  }
}
