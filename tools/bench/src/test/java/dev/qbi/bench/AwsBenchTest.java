package dev.qbi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.adapters.aws.testing.TestAws;
import dev.qbi.runtime.local.IngestionServer;
import dev.qbi.runtime.local.ServerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ingest bench --backend aws} with 1 and 3 instances on the emulators (ElasticMQ, dynalite,
 * S3Mock), a local-backend server as the user pool: the environment is what {@code ./ingest
 * aws-local} exports. {@code -Dqbi.awsBench.jobs=N} for a larger run (the figures are printed).
 */
class AwsBenchTest {
  static final int JOBS = Integer.getInteger("qbi.awsBench.jobs", 300);

  @TempDir Path dir;

  @Test
  void one_and_three_instances_complete_every_job_and_report_their_rates() throws Exception {
    try (AwsClients aws = TestAws.emulators();
        IngestionServer issuer =
            IngestionServer.start(
                ServerSettings.builder(dir.resolve("issuer"))
                    .port(0)
                    .passwordIterations(1_000)
                    .build())) {
      String table = "bench-" + UUID.randomUUID();
      DynamoDbJobTable.createTable(aws.dynamoDb(), table);
      Map<String, String> env =
          Map.ofEntries(
              Map.entry("INGEST_QUEUE_URL", LocalSqs.shared().createQueue(aws.sqs(), "bench")),
              Map.entry(
                  "INGEST_DEAD_LETTER_QUEUE_URL",
                  LocalSqs.shared().createQueue(aws.sqs(), "bench-dlq")),
              Map.entry("INGEST_TABLE", table),
              Map.entry("INGEST_BUCKET", LocalS3.BUCKET),
              Map.entry("INGEST_SQS_ENDPOINT", LocalSqs.shared().endpoint().toString()),
              Map.entry("INGEST_DYNAMODB_ENDPOINT", LocalDynamoDb.shared().endpoint().toString()),
              Map.entry("INGEST_S3_ENDPOINT", LocalS3.shared().endpoint().toString()),
              Map.entry("INGEST_ISSUER", issuer.issuer()),
              Map.entry("AWS_SHARED_CREDENTIALS_FILE", issuer.adminCredentialsFile().toString()),
              Map.entry("AWS_REGION", TestAws.REGION.id()),
              Map.entry("AWS_ACCESS_KEY_ID", TestAws.ACCESS_KEY),
              Map.entry("AWS_SECRET_ACCESS_KEY", TestAws.SECRET));
      for (int instances : new int[] {1, 3}) {
        JsonNode r = bench(env, instances);
        System.out.printf(
            "bench --backend aws --instances %d: %d jobs, %.1f submits/s, %.1f completed jobs/s"
                + " (load average %.1f)%n",
            instances,
            JOBS,
            r.path("submitsPerSecond").asDouble(),
            r.path("completedPerSecond").asDouble(),
            r.path("loadAverage").asDouble());
        assertThat(r.path("instances").asInt()).isEqualTo(instances);
        assertThat(r.path("accepted").asInt()).isEqualTo(JOBS);
        assertThat(r.path("complete").asInt()).isEqualTo(JOBS);
        assertThat(r.path("errors").asInt()).isZero();
        assertThat(r.path("submitsPerSecond").asDouble()).isPositive();
        assertThat(r.path("completedPerSecond").asDouble())
            .isPositive()
            .isLessThanOrEqualTo(r.path("submitsPerSecond").asDouble());
      }
    }
  }

  @Test
  void without_the_stack_in_the_environment_it_is_one_line_and_exit_2() {
    BenchCommand command = new BenchCommand();
    command.environment = Map.of("INGEST_TABLE", "t");
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(command)
            .setErr(new PrintWriter(err, true))
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute("--backend", "aws", "--instances", "3");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("--backend aws needs INGEST_QUEUE_URL, INGEST_DEAD_LETTER_QUEUE_URL,");
  }

  private static JsonNode bench(Map<String, String> env, int instances) throws Exception {
    BenchCommand command = new BenchCommand();
    command.environment = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(command)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .setCaseInsensitiveEnumValuesAllowed(true)
            .execute(
                "--backend",
                "aws",
                "--instances",
                Integer.toString(instances),
                "--jobs",
                Integer.toString(JOBS),
                "--concurrency",
                "12",
                "--warmup",
                "30",
                "--workers",
                "2",
                "--server-opts",
                "--batch-size 5",
                "--json");
    assertThat(code).as("stderr: %s", err).isZero();
    return new ObjectMapper().readTree(out.toString());
  }
}
