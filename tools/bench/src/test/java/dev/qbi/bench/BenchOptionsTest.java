package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The defaults {@link BenchOptions#validate} settles on, per backend. */
class BenchOptionsTest {

  private static BenchOptions parsed(Map<String, String> env, String... args) {
    BenchCommand command = new BenchCommand();
    CommandLine cl = new CommandLine(command);
    cl.parseArgs(args);
    command.options.validate(cl, env);
    return command.options;
  }

  @Test
  void the_aws_backend_takes_its_own_defaults_when_nothing_is_given() {
    BenchOptions o = parsed(Map.of(), "--backend", "aws");

    assertThat(o.jobs).isEqualTo(BenchOptions.AWS_DEFAULT_JOBS);
    assertThat(o.warmup).isEqualTo(BenchOptions.AWS_DEFAULT_WARMUP);
  }

  @Test
  void given_options_win_over_the_aws_defaults() {
    BenchOptions o = parsed(Map.of(), "--backend", "AWS", "--jobs", "50", "--warmup", "0");

    assertThat(o.jobs).isEqualTo(50);
    assertThat(o.warmup).isZero();
  }

  @Test
  void the_variables_win_over_the_aws_defaults() {
    BenchOptions plain = parsed(Map.of(), "--backend", "local");
    BenchOptions o =
        parsed(Map.of("INGEST_BENCH_JOBS", "x", "INGEST_BENCH_WARMUP", "x"), "--backend", "aws");

    // picocli resolved the option defaults from the variables; validate keeps what it resolved
    assertThat(o.jobs).isEqualTo(plain.jobs);
    assertThat(o.warmup).isEqualTo(plain.warmup);
  }

  @Test
  void the_local_backend_keeps_the_option_defaults() {
    BenchOptions o = parsed(Map.of(), "--jobs", "7");

    assertThat(o.jobs).isEqualTo(7);
    assertThat(o.warmup).isNotEqualTo(BenchOptions.AWS_DEFAULT_WARMUP);
  }
}
