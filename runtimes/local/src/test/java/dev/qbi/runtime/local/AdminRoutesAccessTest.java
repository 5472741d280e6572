package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.testing.InMemoryDeadLetters;
import dev.qbi.core.testing.InMemoryJobQueue;
import dev.qbi.core.testing.InMemoryJobTable;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.core.usecase.ManageDeadLetters;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminAccess.AdminRequest;
import dev.qbi.runtime.local.api.ApiErrors;
import dev.qbi.runtime.local.api.DeadLetterAdminService;
import io.helidon.webserver.WebServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The admin routes answer only what {@link AdminAccess} allows (whatever check the server is
 * given), and the CLI signs its requests so that a SigV4 verifier can check them.
 */
class AdminRoutesAccessTest {

  private static final String KEY_ID = "AKIDADMINEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.startingAt("2034-01-01T00:00:00Z");
  private final InMemoryJobTable table = new InMemoryJobTable();
  private final InMemoryDeadLetters deadLetters =
      new InMemoryDeadLetters(table, new InMemoryJobQueue(clock), clock);
  private final List<AdminRequest> seen = new CopyOnWriteArrayList<>();
  private final AtomicBoolean allow = new AtomicBoolean();
  private WebServer web;
  private URI base;

  @BeforeEach
  void start() {
    AdminAccess recording =
        request -> {
          seen.add(request);
          return allow.get();
        };
    DeadLetterAdminService service =
        new DeadLetterAdminService(new ManageDeadLetters(table, deadLetters, clock), recording);
    web =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                r -> {
                  ApiErrors.register(r);
                  r.register(service);
                })
            .build()
            .start();
    base = URI.create("http://127.0.0.1:" + web.port());
  }

  @AfterEach
  void stop() {
    web.stop();
  }

  private int cli(StringWriter out, StringWriter err, String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void every_admin_route_is_refused_when_the_check_says_no() throws Exception {
    JobId id = JobId.random();
    deadLetters.add(
        new JobMessage(id, new Owner("o"), new byte[] {'{', '}'}, clock.instant()), 3, "x");
    HttpClient http = HttpClient.newHttpClient();
    List<String[]> routes =
        List.of(
            new String[] {"GET", "/admin/dead-letters"},
            new String[] {"GET", "/admin/dead-letters/" + id},
            new String[] {"POST", "/admin/dead-letters/" + id + "/redrive"},
            new String[] {"POST", "/admin/dead-letters/redrive"},
            new String[] {"DELETE", "/admin/dead-letters/" + id},
            new String[] {"POST", "/admin/dead-letters/purge"});

    for (String[] route : routes) {
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(base.resolve(route[1]))
                  .method(route[0], HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(route[0] + " " + route[1]).isEqualTo(403);
      assertThat(new ObjectMapper().readTree(answer.body()).path("message").asText())
          .contains("admin credentials");
    }

    assertThat(seen).hasSize(routes.size());
    assertThat(deadLetters.depth()).as("nothing was done").isEqualTo(1);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        cli(
            out,
            err,
            "dead-letters",
            "list",
            "--endpoint",
            base.toString(),
            "--data-dir",
            dir.toString());
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .contains("HTTP 403")
        .contains("not signed")
        .contains(dir.resolve("admin-credentials").toString());
  }

  @Test
  void the_cli_signs_with_the_admin_key_pair_and_the_signature_checks_out() throws Exception {
    allow.set(true);
    Files.writeString(
        dir.resolve("admin-credentials"),
        "[default]\naws_access_key_id = " + KEY_ID + "\naws_secret_access_key = " + SECRET + "\n",
        StandardCharsets.UTF_8);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        cli(
            out,
            err,
            "dead-letters",
            "list",
            "--limit",
            "7",
            "--endpoint",
            base.toString(),
            "--data-dir",
            dir.toString());

    assertThat(exit).as(err.toString()).isZero();
    AdminRequest request = seen.getLast();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.path()).isEqualTo("/admin/dead-letters");
    assertThat(request.rawQuery()).isEqualTo("limit=7");
    String authorization = request.headers().get("authorization").getFirst();
    assertThat(authorization)
        .startsWith("AWS4-HMAC-SHA256 Credential=" + KEY_ID + "/")
        .contains("/us-east-1/ingest/aws4_request");
    assertThat(resign(request)).isEqualTo(authorization);
  }

  @Test
  void without_a_credentials_file_the_request_goes_unsigned() throws Exception {
    allow.set(true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit =
        cli(
            out,
            err,
            "dead-letters",
            "list",
            "--endpoint",
            base.toString(),
            "--data-dir",
            dir.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(seen.getLast().headers()).doesNotContainKey("authorization");
  }

  /**
   * What a verifier does: sign the request as received (its signed headers, at its {@code
   * X-Amz-Date}) with the secret, and compare.
   */
  private static String resign(AdminRequest received) {
    String amzDate = received.headers().get("x-amz-date").getFirst();
    Instant at =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC)
            .parse(amzDate, Instant::from);
    String authorization = received.headers().get("authorization").getFirst();
    String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
    SdkHttpFullRequest.Builder request =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.fromValue(received.method()))
            .uri(URI.create("http://" + received.headers().get("host").getFirst()))
            .encodedPath(received.path());
    for (String pair : received.rawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      request.putRawQueryParameter(kv[0], kv[1]);
    }
    for (String name : signedHeaders.split(";")) {
      if (!name.equals("host") && !name.equals("x-amz-date")) {
        request.putHeader(name, received.headers().get(name));
      }
    }
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create(KEY_ID, SECRET))
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(received.body()))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ingest")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)))
        .request()
        .firstMatchingHeader("Authorization")
        .orElseThrow();
  }
}
