package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ingest bench} end to end: a small run against a real child server JVM. */
class BenchCommandTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run ingest(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void a_small_run_reports_consistent_positive_figures_as_json() throws Exception {
    Run run =
        ingest(
            "--jobs",
            "200",
            "--concurrency",
            "8",
            "--warmup",
            "20",
            "--idle-jobs",
            "5",
            "--workers",
            "2",
            "--timeout",
            "PT2M",
            "--json");

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    JsonNode r = new ObjectMapper().readTree(run.out());

    assertThat(r.path("machine").path("cores").asInt()).isPositive();
    assertThat(r.path("parameters").path("jobs").asInt()).isEqualTo(200);
    assertThat(r.path("parameters").path("workers").asInt()).isEqualTo(2);

    JsonNode submits = r.path("submits");
    assertThat(submits.path("accepted").asInt()).isEqualTo(200);
    assertThat(submits.path("errors").asLong()).isZero();
    assertThat(submits.path("perSecond").asDouble()).isPositive();
    assertThat(submits.path("seconds").asDouble()).isPositive();

    JsonNode e2e = r.path("endToEnd");
    assertThat(e2e.path("complete").asInt()).isEqualTo(200);
    assertThat(e2e.path("failed").asInt()).isZero();
    assertThat(e2e.path("perSecond").asDouble()).isPositive();
    // completing cannot end before submitting did
    assertThat(e2e.path("seconds").asDouble())
        .isGreaterThanOrEqualTo(submits.path("seconds").asDouble() * 0.5);

    JsonNode latency = r.path("latencyMs");
    assertThat(latency.path("count").asInt()).isEqualTo(200);
    assertThat(latency.path("p50").asDouble()).isPositive();
    assertThat(latency.path("p50").asDouble()).isLessThanOrEqualTo(latency.path("p90").asDouble());
    assertThat(latency.path("p90").asDouble()).isLessThanOrEqualTo(latency.path("p99").asDouble());
    assertThat(latency.path("p99").asDouble()).isLessThanOrEqualTo(latency.path("max").asDouble());

    JsonNode idle = r.path("idleLatencyMs");
    assertThat(idle.path("jobs").asInt()).isEqualTo(5);
    assertThat(idle.path("clientMs").path("p50").asDouble()).isPositive();
    assertThat(idle.path("clientMs").path("p50").asDouble())
        .isLessThanOrEqualTo(idle.path("clientMs").path("p99").asDouble());
    // the client waits at least as long as the server's own submit->complete
    assertThat(idle.path("clientMs").path("max").asDouble())
        .isGreaterThanOrEqualTo(idle.path("serverMs").path("max").asDouble());

    if (System.getProperty("os.name").startsWith("Linux")) {
      JsonNode memory = r.path("serverMemory");
      assertThat(memory.path("rssBytes").asLong()).isPositive();
      assertThat(memory.path("peakRssBytes").asLong())
          .isGreaterThanOrEqualTo(memory.path("rssBytes").asLong());
    }
    assertThat(r.path("errors").asLong()).isZero();
  }

  @Test
  void the_table_names_every_figure() {
    Run run = ingest("--jobs", "50", "--concurrency", "4", "--warmup", "0", "--idle-jobs", "2");

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out())
        .contains("submits/s (authenticated, durable)")
        .contains("completed jobs/s (end to end)")
        .contains("submit->complete under load")
        .contains("submit->complete on an idle server")
        .contains("server RSS now / peak")
        .contains("0 submit error(s), 0 failed job(s)");
  }

  @Test
  void server_options_the_benchmark_sets_itself_are_refused() {
    Run run = ingest("--server-opts", "--batch-size 5 --port 9999");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--server-opts may not contain --port");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void out_of_range_counts_are_refused_before_anything_starts() {
    Run run = ingest("--jobs", "0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--jobs must be between 1 and 1000000");
  }

  @Test
  void a_short_soak_at_a_given_rate_samples_rss_and_counts_no_error() throws Exception {
    Run run =
        ingest(
            "--soak",
            "PT5S",
            "--rate",
            "20",
            "--warmup",
            "10",
            "--concurrency",
            "4",
            "--workers",
            "1",
            "--json");

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    JsonNode r = new ObjectMapper().readTree(run.out());
    assertThat(r.path("rate").asInt()).isEqualTo(20);
    assertThat(r.path("accepted").asLong()).isBetween(80L, 100L);
    assertThat(r.path("completed").asLong()).isEqualTo(r.path("accepted").asLong());
    assertThat(r.path("errors").asLong()).isZero();
    JsonNode samples = r.path("samples");
    assertThat(samples.size()).isGreaterThanOrEqualTo(2);
    assertThat(samples.get(samples.size() - 1).path("accepted").asLong())
        .isEqualTo(r.path("accepted").asLong());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(samples.get(0).path("rssBytes").asLong()).isPositive();
      assertThat(r.path("rssGrowthPercent").isNumber()).isTrue();
    }
    assertThat(run.err()).contains("soak     0 s:");
  }

  @Test
  void soak_options_out_of_range_are_refused() {
    assertThat(ingest("--soak", "PT25H").err()).contains("--soak must be positive");
    assertThat(ingest("--rate", "10").err()).contains("--rate goes with --soak");
  }
}
