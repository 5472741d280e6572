package dev.qbi.awslocal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ingest aws-local}: starts {@link AwsLocal}, prints the {@code export INGEST_...} lines
 * and the matching options of {@code ./ingest serve --backend aws}, then runs until Ctrl-C (or
 * SIGTERM), when it stops everything, dynalite's Node process included.
 */
@Command(
    name = "ingest aws-local",
    mixinStandardHelpOptions = true,
    description = {
      "Start SQS (ElasticMQ), DynamoDB (dynalite), S3 (S3Mock) and the local user pool (the",
      "Cognito stand-in) on 127.0.0.1, create the queue, dead-letter queue, table and bucket,",
      "and print the environment of './ingest serve --backend aws'. Runs until Ctrl-C."
    })
public final class AwsLocalMain implements java.util.concurrent.Callable<Integer> {

  @Option(
      names = "--sqs-port",
      defaultValue = "" + AwsLocalOptions.DEFAULT_SQS_PORT,
      description = "SQS (ElasticMQ) port (default ${DEFAULT-VALUE}; 0: any free port).")
  int sqsPort;

  @Option(
      names = "--dynamodb-port",
      defaultValue = "" + AwsLocalOptions.DEFAULT_DYNAMODB_PORT,
      description = "DynamoDB (dynalite) port (default ${DEFAULT-VALUE}; 0: any free port).")
  int dynamoDbPort;

  @Option(
      names = "--s3-port",
      defaultValue = "" + AwsLocalOptions.DEFAULT_S3_PORT,
      description = "S3 (S3Mock) port (default ${DEFAULT-VALUE}; 0: any free port).")
  int s3Port;

  @Option(
      names = "--idp-port",
      defaultValue = "" + AwsLocalOptions.DEFAULT_IDP_PORT,
      description = "User pool (Cognito protocol) port (default ${DEFAULT-VALUE}; 0: any free).")
  int idpPort;

  @Option(
      names = "--data-dir",
      defaultValue = "./aws-local-data",
      description = "Where the user pool keeps users and keys (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--queue",
      defaultValue = AwsLocalOptions.DEFAULT_QUEUE,
      description = "Queue name; the dead-letter queue is <queue>-dlq (default ${DEFAULT-VALUE}).")
  String queue;

  @Option(
      names = "--table",
      defaultValue = AwsLocalOptions.DEFAULT_TABLE,
      description = "Job table name (default ${DEFAULT-VALUE}).")
  String table;

  @Option(
      names = "--bucket",
      defaultValue = AwsLocalOptions.DEFAULT_BUCKET,
      description = "Payload bucket name (default ${DEFAULT-VALUE}).")
  String bucket;

  @Option(
      names = "--visibility-timeout",
      defaultValue = "30",
      description = "The queue's visibility timeout in seconds (default ${DEFAULT-VALUE}).")
  int visibilityTimeoutSeconds;

  @Option(
      names = "--max-receive-count",
      defaultValue = "" + AwsLocalOptions.DEFAULT_MAX_RECEIVE_COUNT,
      description = "Receives before SQS moves a message to the DLQ (default ${DEFAULT-VALUE}).")
  int maxReceiveCount;

  @Option(
      names = "--env-file",
      description = "Also write the export lines to this file (for scripts and tests).")
  Path envFile;

  @Option(
      names = "--dynalite-dir",
      description = "The folder with dynalite installed (default: tools/dynalite of the repo).")
  Path dynaliteDir;

  private PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
  private PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

  public static void main(String[] args) {
    // Helidon and Tomcat log through java.util.logging: into logback, where their chatter is off
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new AwsLocalMain()).execute(args));
  }

  @Option(
      names = "--password-iterations",
      defaultValue = "210000",
      hidden = true,
      description = "PBKDF2 iterations of new passwords (tests use fewer).")
  int passwordIterations;

  @Override
  public Integer call() throws InterruptedException {
    AwsLocalOptions options;
    try {
      options = options();
    } catch (IllegalArgumentException e) {
      err.println("ingest aws-local: " + e.getMessage());
      return 2;
    }
    AwsLocal aws;
    try {
      aws = AwsLocal.start(options);
    } catch (AwsLocalException e) {
      err.println("ingest aws-local: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("ingest aws-local: cannot start: " + e);
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              err.println("ingest aws-local: stopping");
              try {
                aws.close();
              } finally {
                stopped.countDown();
              }
            },
            "aws-local-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    if (!announce(aws.endpoints())) {
      return 1; // the hook stops everything
    }
    stopped.await();
    return 0;
  }

  /** The options as {@link AwsLocal#start} takes them. */
  AwsLocalOptions options() {
    return new AwsLocalOptions(
        sqsPort,
        dynamoDbPort,
        s3Port,
        idpPort,
        dataDir,
        queue,
        table,
        bucket,
        Duration.ofSeconds(visibilityTimeoutSeconds),
        maxReceiveCount,
        passwordIterations,
        Optional.ofNullable(dynaliteDir));
  }

  /** Writes the {@code --env-file} (when asked) and prints {@link #text}; false if it cannot. */
  boolean announce(Endpoints endpoints) {
    if (envFile != null) {
      try {
        writeAtomically(envFile, endpoints.exportLines());
      } catch (IOException e) {
        err.println("ingest aws-local: cannot write " + envFile + ": " + e.getMessage());
        return false;
      }
    }
    out.print(text(endpoints));
    out.flush();
    return true;
  }

  /** What the user reads: the exports, the same as options, and how to get a token. */
  static String text(Endpoints e) {
    String dir = Endpoints.shellQuoted(e.dataDir().toString());
    String idp = e.identityProvider().toString();
    return "# aws-local: SQS "
        + e.sqs()
        + ", DynamoDB "
        + e.dynamoDb()
        + ", S3 "
        + e.s3()
        + ", user pool "
        + idp
        + "\n# paste into the shells of the instances (Ctrl-C here stops everything):\n"
        + e.exportLines()
        + "# or as options:\n#   ./ingest serve "
        + e.options()
        + "\n# a user and a token (the job commands then talk to the instance, --endpoint):\n"
        + "#   ./ingest signup --endpoint "
        + idp
        + " --data-dir "
        + dir
        + " --username alice@example.com --password 'Secret-123456'\n"
        + "#   ./ingest login --endpoint "
        + idp
        + " --username alice@example.com --password 'Secret-123456'\n";
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  void streams(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }
}
