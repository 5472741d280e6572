package dev.qbi.awslocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * aws-local started as {@code ./ingest aws-local} starts it (its options, its env file), checked
 * from outside with the AWS SDK and the Cognito protocol, then stopped: no Node process is left.
 */
class AwsLocalTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void creates_queue_dlq_table_and_bucket_serves_the_issuer_and_stops_dynalite() throws Exception {
    Path envFile = dir.resolve("out/aws.env");
    AwsLocalMain main = new AwsLocalMain();
    new CommandLine(main)
        .parseArgs(
            "--sqs-port=0",
            "--dynamodb-port=0",
            "--s3-port=0",
            "--idp-port=0",
            "--data-dir=" + dir.resolve("data"),
            "--queue=jobs-q",
            "--table=jobs-t",
            "--bucket=jobs-b",
            "--visibility-timeout=7",
            "--max-receive-count=4",
            "--password-iterations=1000",
            "--env-file=" + envFile);
    StringWriter printed = new StringWriter();
    main.streams(new PrintWriter(printed), new PrintWriter(new StringWriter()));

    Set<Path> s3FoldersBefore = s3Folders();
    ProcessHandle node;
    try (AwsLocal aws = AwsLocal.start(main.options())) {
      assertThat(s3Folders()).hasSize(s3FoldersBefore.size() + 1);
      node = aws.dynaliteProcess();
      assertThat(main.announce(aws.endpoints())).isTrue();
      Map<String, String> env = readExports(envFile);
      assertThat(printed.toString()).contains(Files.readString(envFile)).contains("--backend aws");
      assertThat(env)
          .containsKeys(
              "INGEST_BACKEND",
              "INGEST_QUEUE_URL",
              "INGEST_DEAD_LETTER_QUEUE_URL",
              "INGEST_TABLE",
              "INGEST_BUCKET",
              "INGEST_SQS_ENDPOINT",
              "INGEST_DYNAMODB_ENDPOINT",
              "INGEST_S3_ENDPOINT",
              "INGEST_ISSUER",
              "INGEST_CLIENT_ID",
              "AWS_REGION",
              "AWS_ACCESS_KEY_ID",
              "AWS_SECRET_ACCESS_KEY")
          .containsEntry("INGEST_BACKEND", "aws")
          .containsEntry("INGEST_TABLE", "jobs-t")
          .containsEntry("INGEST_BUCKET", "jobs-b");

      try (AwsClients clients =
          AwsLocal.clients(
                  URI.create(env.get("INGEST_SQS_ENDPOINT")),
                  URI.create(env.get("INGEST_DYNAMODB_ENDPOINT")),
                  URI.create(env.get("INGEST_S3_ENDPOINT")))
              .s3PathStyle(true)
              .build()) {
        checkQueues(clients, env);
        checkTable(clients, env.get("INGEST_TABLE"));
        assertThat(
                clients
                    .s3()
                    .headBucket(b -> b.bucket(env.get("INGEST_BUCKET")))
                    .sdkHttpResponse()
                    .isSuccessful())
            .isTrue();
      }
      checkIssuer(aws.endpoints(), env);
      assertThat(node.isAlive()).isTrue();
    }
    node.onExit().get(10, TimeUnit.SECONDS);
    assertThat(node.isAlive()).as("dynalite's Node process after close").isFalse();
    assertThat(s3Folders()).as("S3Mock's objects folder after close").isEqualTo(s3FoldersBefore);
  }

  private static Set<Path> s3Folders() throws Exception {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("ingest-aws-local-s3"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void a_taken_port_is_one_line_naming_the_option() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AwsLocalOptions options =
          new AwsLocalOptions(
              taken.getLocalPort(),
              0,
              0,
              0,
              dir,
              "q",
              "t",
              "b",
              Duration.ofSeconds(30),
              5,
              1000,
              java.util.Optional.empty());
      assertThatThrownBy(() -> AwsLocal.start(options))
          .isInstanceOf(AwsLocalException.class)
          .hasMessage(
              "port " + taken.getLocalPort() + " (SQS) is in use: pick another with --sqs-port");
    }
    assertThat(Files.exists(dir.resolve("admin-credentials"))).as("nothing started").isFalse();
  }

  private static void checkQueues(AwsClients clients, Map<String, String> env) throws Exception {
    Map<QueueAttributeName, String> queue =
        clients
            .sqs()
            .getQueueAttributes(
                b -> b.queueUrl(env.get("INGEST_QUEUE_URL")).attributeNames(QueueAttributeName.ALL))
            .attributes();
    String dlqArn =
        clients
            .sqs()
            .getQueueAttributes(
                b ->
                    b.queueUrl(env.get("INGEST_DEAD_LETTER_QUEUE_URL"))
                        .attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    assertThat(queue.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("7");
    JsonNode redrive = JSON.readTree(queue.get(QueueAttributeName.REDRIVE_POLICY));
    assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(dlqArn);
    assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(4);
    assertThat(env.get("INGEST_DEAD_LETTER_QUEUE_URL")).endsWith("/jobs-q-dlq");
  }

  private static void checkTable(AwsClients clients, String table) {
    TableDescription t = clients.dynamoDb().describeTable(b -> b.tableName(table)).table();
    assertThat(t.keySchema()).hasSize(1);
    assertThat(t.keySchema().getFirst().keyType()).isEqualTo(KeyType.HASH);
    assertThat(t.keySchema().getFirst().attributeName()).isEqualTo(DynamoDbJobTable.JOB_ID);
    assertThat(t.globalSecondaryIndexes())
        .singleElement()
        .satisfies(i -> assertThat(i.indexName()).isEqualTo(DynamoDbJobTable.OWNER_INDEX));
  }

  private static void checkIssuer(Endpoints endpoints, Map<String, String> env) throws Exception {
    String clientId = env.get("INGEST_CLIENT_ID");
    try (CognitoClient admin =
        new CognitoClient(
            endpoints.identityProvider().toString(),
            AwsCredentials.fromSharedCredentialsFile(endpoints.adminCredentials()))) {
      admin.signUp(clientId, "alice@example.com", "Secret-123456", Map.of());
      admin.adminConfirmSignUp(endpoints.poolId(), "alice@example.com");
      String token = admin.login(clientId, "alice@example.com", "Secret-123456");
      JsonNode claims =
          JSON.readTree(
              new String(
                  Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
      assertThat(claims.get("iss").asText()).isEqualTo(env.get("INGEST_ISSUER"));
      assertThat(claims.get("aud").asText()).isEqualTo(clientId);
    }
    // the JWKS a server with --issuer fetches
    var http = java.net.http.HttpClient.newHttpClient();
    var jwks =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(env.get("INGEST_ISSUER") + "/.well-known/jwks.json"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(jwks.body()).get("keys").size()).isPositive();
  }

  /** The env file's {@code export NAME=value} lines (values plain or single-quoted). */
  private static Map<String, String> readExports(Path file) throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      assertThat(line).startsWith("export ");
      String assignment = line.substring("export ".length());
      int eq = assignment.indexOf('=');
      String value = assignment.substring(eq + 1);
      if (value.startsWith("'")) {
        value = value.substring(1, value.length() - 1).replace("'\\''", "'");
      }
      env.put(assignment.substring(0, eq), value);
    }
    return env;
  }
}
