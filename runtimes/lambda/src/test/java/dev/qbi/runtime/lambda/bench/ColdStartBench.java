package dev.qbi.runtime.lambda.bench;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.DynamoDbJobTable;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.SimulatorProtocol;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.simulator.WeatherSimulator;
import dev.qbi.core.testing.JobFixtures;
import dev.qbi.core.usecase.InProcessJobExecutor;
import dev.qbi.runtime.lambda.testing.Repo;
import dev.qbi.runtime.lambda.testing.TestAws;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cold-start benchmark (not a test): for each handler, starts a NEW JVM on the shaded jar {@code
 * runtimes/lambda/target/qbi-runtime-lambda.jar}, builds the handler with its public no-arg
 * constructor from environment variables (the SDK's {@code AWS_ENDPOINT_URL_*} pointing at the
 * emulators of this process), hands it its sample event, and prints the wall time from process
 * start to exit, plus the handler's own construct / first-event split, and the jar size.
 *
 * <p>Run from the repository root after building the jar:
 *
 * <pre>
 * mvn -q -B -pl lambda package -DskipTests
 * mvn -q -B -pl lambda exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.qbi.runtime.lambda.bench.ColdStartBench [-Dexec.args=RUNS]
 * </pre>
 *
 * The processor's synchronous invoke goes to a stand-in of Lambda's Invoke API in this process,
 * which runs the weather simulator against S3Mock; invocations are traced (sampled trace header,
 * X-Ray daemon stand-in counting subsegments). Child JVMs get {@code -XX:TieredStopAtLevel=1}, as
 * the Lambda Java runtime configures by default.
 */
public final class ColdStartBench {

  private static final String OWNER = "7c3e6d1a-2b4f-4e8a-9d10-5f6a7b8c9d0e";
  private static final String CLIENT_ID = "bench-client";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ColdStartBench() {}

  private record Case(String handler, String kind, Path event, Map<String, String> env) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    Path jar = Repo.root().resolve("runtimes/lambda/target/qbi-runtime-lambda.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: mvn -pl lambda package -DskipTests");
    }
    AwsClients aws = TestAws.emulators();
    Path dir = Files.createTempDirectory("qbi-coldstart");
    String table = TestAws.newJobTable();
    DynamoDbJobTable jobs = new DynamoDbJobTable(aws.dynamoDb(), table);
    S3PayloadStore payloads = new S3PayloadStore(aws.s3(), aws.s3Presigner(), LocalS3.BUCKET);
    String queue = LocalSqs.shared().createQueue(aws.sqs(), "bench");
    String dlq = LocalSqs.shared().createQueue(aws.sqs(), "bench-dlq");
    HttpServer lambdaApi = fakeLambdaInvokeApi(payloads);
    RSAKey key = new RSAKeyGenerator(2048).keyID("bench").generate();
    HttpServer cognito = jwks(key);
    String issuer = "http://127.0.0.1:" + cognito.getAddress().getPort() + "/bench_pool";

    JobId statusJob = JobId.random();
    String outputKey = InProcessJobExecutor.outputKey(statusJob);
    payloads.put(
        outputKey, "{\"weatherData\":[]}".getBytes(StandardCharsets.UTF_8), "application/json");
    Instant t0 = Instant.now();
    JobFixtures.completed(jobs, statusJob, new Owner(OWNER), t0, outputKey);

    Map<String, String> common = new LinkedHashMap<>();
    common.put("AWS_REGION", TestAws.REGION.id());
    common.put("AWS_ACCESS_KEY_ID", "test");
    common.put("AWS_SECRET_ACCESS_KEY", "test");
    common.put("AWS_ENDPOINT_URL_SQS", LocalSqs.shared().endpoint().toString());
    common.put("AWS_ENDPOINT_URL_DYNAMODB", LocalDynamoDb.shared().endpoint().toString());
    common.put("AWS_ENDPOINT_URL_S3", LocalS3.shared().endpoint().toString());
    common.put("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:" + lambdaApi.getAddress().getPort());
    common.put("AWS_LAMBDA_FUNCTION_NAME", "coldstart-bench");
    common.put("POWERTOOLS_LOG_LEVEL", "WARN");
    common.put("POWERTOOLS_METRICS_NAMESPACE", "QbiBench");
    // traced invocations: SDK calls become subsegments sent to this stand-in X-Ray daemon
    DatagramSocket xrayDaemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    AtomicInteger subsegments = countDatagrams(xrayDaemon);
    common.put("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:" + xrayDaemon.getLocalPort());
    common.put(
        "_X_AMZN_TRACE_ID",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");

    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            "dev.qbi.runtime.lambda.AuthorizerHandler",
            "authorizer",
            authorizerEvent(dir, key, issuer),
            Map.of("COGNITO_ISSUER", issuer, "USER_POOL_CLIENT_ID", CLIENT_ID)));
    cases.add(
        new Case(
            "dev.qbi.runtime.lambda.JobProcessorHandler",
            "sqs",
            null,
            Map.of(
                "JOB_TABLE_NAME", table,
                "JOB_QUEUE_URL", queue,
                "JOB_DLQ_URL", dlq,
                "SIMULATOR_FUNCTION_NAME", "batch-simulator",
                "MAX_RECEIVE_COUNT", "3")));
    cases.add(
        new Case(
            "dev.qbi.runtime.lambda.BatchSimulatorHandler",
            "stream",
            Repo.event("batch-simulator.json"),
            Map.of("PAYLOAD_BUCKET", LocalS3.BUCKET)));
    cases.add(
        new Case(
            "dev.qbi.runtime.lambda.JobStatusHandler",
            "http",
            statusEvent(dir, statusJob),
            Map.of("JOB_TABLE_NAME", table, "PAYLOAD_BUCKET", LocalS3.BUCKET)));
    cases.add(
        new Case(
            "dev.qbi.runtime.lambda.ListJobsHandler",
            "http",
            Repo.event("list-jobs.json"),
            Map.of("JOB_TABLE_NAME", table)));

    String classpath = String.join(File.pathSeparator, jar.toString(), childExtras());
    Map<String, List<Long>> walls = new LinkedHashMap<>();
    for (int run = 0; run < runs; run++) {
      for (Case c : cases) {
        Path event = c.event() != null ? c.event() : processorEvent(dir);
        Map<String, String> env = new HashMap<>(common);
        env.putAll(c.env());
        long start = System.nanoTime();
        String line = runChild(classpath, c, event, env);
        long wall = (System.nanoTime() - start) / 1_000_000;
        walls.computeIfAbsent(c.handler(), k -> new ArrayList<>()).add(wall);
        System.out.printf(
            "run %d  %-40s wall_ms=%5d  %s%n", run + 1, simple(c.handler()), wall, line);
      }
    }
    System.out.println();
    System.out.printf(
        "jar %s: %,d bytes (%.1f MiB)%n", jar, Files.size(jar), Files.size(jar) / 1048576.0);
    for (Map.Entry<String, List<Long>> e : walls.entrySet()) {
      List<Long> sorted = new ArrayList<>(e.getValue());
      Collections.sort(sorted);
      System.out.printf(
          "%-24s new JVM -> first event handled: median %d ms (min %d, max %d, %d runs)%n",
          simple(e.getKey()),
          sorted.get(sorted.size() / 2),
          sorted.get(0),
          sorted.get(sorted.size() - 1),
          sorted.size());
    }
    System.out.printf("X-Ray subsegments received from the children: %d%n", subsegments.get());
    lambdaApi.stop(0);
    cognito.stop(0);
    xrayDaemon.close();
    System.exit(0);
  }

  private static String runChild(String classpath, Case c, Path event, Map<String, String> env)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+TieredCompilation");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(classpath);
    command.add(ColdStartChild.class.getName());
    command.add(c.handler());
    command.add(c.kind());
    command.add(event.toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String result = null;
    StringBuilder all = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        all.append(line).append('\n');
        if (line.startsWith("COLDSTART ")) {
          result = line.substring(line.indexOf(' ', "COLDSTART ".length()) + 1);
        }
      }
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || result == null) {
      throw new IllegalStateException(c.handler() + " failed:\n" + all);
    }
    return result;
  }

  /** The bench's own classes and the event loader (what the Lambda runtime provides). */
  private static String childExtras() throws URISyntaxException {
    List<String> parts = new ArrayList<>();
    for (Class<?> k : List.of(ColdStartChild.class, EventLoader.class, PojoSerializer.class)) {
      parts.add(Path.of(k.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  /** A two-message batch like events/job-processor.json, with fresh job ids each run. */
  private static Path processorEvent(Path dir) throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(Repo.event("job-processor.json").toFile());
    event
        .withArray("Records")
        .forEach(r -> ((ObjectNode) r).put("messageId", UUID.randomUUID().toString()));
    Path file = dir.resolve("processor-" + UUID.randomUUID() + ".json");
    JSON.writeValue(file.toFile(), event);
    return file;
  }

  private static Path statusEvent(Path dir, JobId id) throws IOException {
    ObjectNode event = (ObjectNode) JSON.readTree(Repo.event("job-status.json").toFile());
    event.put("rawPath", "/job-status/" + id);
    ((ObjectNode) event.path("pathParameters")).put("jobId", id.toString());
    Path file = dir.resolve("status.json");
    JSON.writeValue(file.toFile(), event);
    return file;
  }

  private static Path authorizerEvent(Path dir, RSAKey key, String issuer)
      throws IOException, JOSEException {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .subject(OWNER)
                .audience(CLIENT_ID)
                .issuer(issuer)
                .claim("token_use", "id")
                .claim("cognito:username", "bench")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .build());
    jwt.sign(new RSASSASigner(key.toPrivateKey()));
    String token = jwt.serialize();
    ObjectNode event = (ObjectNode) JSON.readTree(Repo.event("authorizer.json").toFile());
    event.put("identitySource", token);
    event.put("authorizationToken", token);
    ((ObjectNode) event.path("headers")).put("authorization", token);
    Path file = dir.resolve("authorizer.json");
    JSON.writeValue(file.toFile(), event);
    return file;
  }

  private static HttpServer jwks(RSAKey key) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/bench_pool/.well-known/jwks.json",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  /** Lambda's Invoke API for the simulator: runs the weather simulator here, output to S3Mock. */
  private static HttpServer fakeLambdaInvokeApi(S3PayloadStore payloads) throws IOException {
    InProcessJobExecutor simulator = new InProcessJobExecutor(new WeatherSimulator(), payloads);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/2015-03-31/functions/",
        exchange -> {
          byte[] answer;
          try {
            SimulatorProtocol.Request request =
                SimulatorProtocol.readRequest(exchange.getRequestBody().readAllBytes());
            String key = simulator.execute(request.toJobRequest());
            answer =
                SimulatorProtocol.write(
                    SimulatorProtocol.Response.complete(
                        "s3://" + payloads.bucket() + "/" + key,
                        key,
                        UUID.randomUUID().toString()));
          } catch (Exception e) {
            exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            answer =
                SimulatorProtocol.write(
                    new SimulatorProtocol.FunctionError(e.getClass().getName(), e.getMessage()));
          }
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        });
    server.start();
    return server;
  }

  private static AtomicInteger countDatagrams(DatagramSocket socket) {
    AtomicInteger count = new AtomicInteger();
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[65_536];
              while (!socket.isClosed()) {
                try {
                  socket.receive(new DatagramPacket(buffer, buffer.length));
                  count.incrementAndGet();
                } catch (IOException closed) {
                  return;
                }
              }
            },
            "xray-daemon");
    t.setDaemon(true);
    t.start();
    return count;
  }

  private static String simple(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
