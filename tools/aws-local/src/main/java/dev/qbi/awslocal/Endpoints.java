package dev.qbi.awslocal;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a running aws-local listens and what it created: everything {@code ./ingest serve --backend
 * aws} needs, as environment variables ({@link #environment}) or options ({@link #options}).
 *
 * @param region the region the emulators pretend to be in
 * @param accessKeyId dummy credentials (the emulators check no signature)
 * @param secretAccessKey dummy credentials
 * @param adminCredentials the user pool's admin key pair ({@code ingest signup} signs
 *     AdminConfirmSignUp with it)
 */
public record Endpoints(
    URI sqs,
    URI dynamoDb,
    URI s3,
    URI identityProvider,
    String issuer,
    String poolId,
    String clientId,
    String queueUrl,
    String deadLetterQueueUrl,
    String table,
    String bucket,
    String region,
    String accessKeyId,
    String secretAccessKey,
    Path dataDir,
    Path adminCredentials) {

  /** The environment of {@code ./ingest serve --backend aws}, in a stable order. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("INGEST_BACKEND", "aws");
    env.put("INGEST_QUEUE_URL", queueUrl);
    env.put("INGEST_DEAD_LETTER_QUEUE_URL", deadLetterQueueUrl);
    env.put("INGEST_TABLE", table);
    env.put("INGEST_BUCKET", bucket);
    env.put("INGEST_SQS_ENDPOINT", sqs.toString());
    env.put("INGEST_DYNAMODB_ENDPOINT", dynamoDb.toString());
    env.put("INGEST_S3_ENDPOINT", s3.toString());
    env.put("INGEST_ISSUER", issuer);
    env.put("INGEST_CLIENT_ID", clientId);
    env.put("AWS_REGION", region);
    env.put("AWS_ACCESS_KEY_ID", accessKeyId);
    env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    return env;
  }

  /** {@link #environment} as {@code export NAME='value'} lines, for a shell. */
  public String exportLines() {
    return environment().entrySet().stream()
        .map(e -> "export " + e.getKey() + "=" + shellQuoted(e.getValue()))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** The same settings as options of {@code ./ingest serve} (region and credentials excepted). */
  public String options() {
    return String.join(
        " ",
        "--backend aws",
        "--queue-url " + shellQuoted(queueUrl),
        "--dead-letter-queue-url " + shellQuoted(deadLetterQueueUrl),
        "--table " + shellQuoted(table),
        "--bucket " + shellQuoted(bucket),
        "--sqs-endpoint " + shellQuoted(sqs.toString()),
        "--dynamodb-endpoint " + shellQuoted(dynamoDb.toString()),
        "--s3-endpoint " + shellQuoted(s3.toString()),
        "--issuer " + shellQuoted(issuer),
        "--client-id " + shellQuoted(clientId));
  }

  /** A word for a POSIX shell: as is when it is plain, else in single quotes. */
  static String shellQuoted(String value) {
    if (!value.isEmpty() && value.matches("[A-Za-z0-9_./:@%+=,-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
