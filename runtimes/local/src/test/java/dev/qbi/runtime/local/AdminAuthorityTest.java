package dev.qbi.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.ApiException;
import dev.qbi.client.AwsCredentials;
import dev.qbi.client.CognitoClient;
import dev.qbi.client.JobApiClient;
import dev.qbi.runtime.local.api.AdminCredentials;
import dev.qbi.runtime.local.testing.RunningServer;
import dev.qbi.runtime.local.testing.TcpForwarder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotConfirmedException;

/**
 * Operator authority is an AWS SigV4 signature with the data dir's admin key pair, not the peer
 * address: every call here goes through a TCP relay on loopback, as behind a local TLS proxy.
 */
class AdminAuthorityTest {
  static final String POOL = ServerSettings.DEFAULT_POOL_ID;
  static final String CLIENT = ServerSettings.DEFAULT_CLIENT_ID;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  RunningServer running;
  TcpForwarder proxy;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    running = RunningServer.start(dataDir);
    proxy = TcpForwarder.to("127.0.0.1", running.server.port());
  }

  @AfterEach
  void stop() {
    http.close();
    proxy.close();
    running.close();
  }

  private Path credentialsFile() {
    return running.server.adminCredentialsFile();
  }

  private AwsCredentials admin() throws Exception {
    return AwsCredentials.fromSharedCredentialsFile(credentialsFile());
  }

  private CognitoIdentityProviderClient sdk(AwsCredentialsProvider credentials) {
    return CognitoIdentityProviderClient.builder()
        .endpointOverride(proxy.baseUrl())
        .region(Region.EU_WEST_1)
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** The SDK reading the server's file exactly as AWS_SHARED_CREDENTIALS_FILE would make it. */
  private CognitoIdentityProviderClient sdkWithTheAdminFile() {
    return sdk(
        ProfileCredentialsProvider.builder()
            .profileFile(
                ProfileFile.builder()
                    .content(credentialsFile())
                    .type(ProfileFile.Type.CREDENTIALS)
                    .build())
            .profileName("default")
            .build());
  }

  private void signUp(String username) throws Exception {
    try (CognitoClient cognito = new CognitoClient(proxy.baseUrl().toString())) {
      cognito.signUp(CLIENT, username, RunningServer.PASSWORD, Map.of());
    }
  }

  private static String errorCode(Runnable call) {
    try {
      call.run();
    } catch (CognitoIdentityProviderException e) {
      assertThat(e.statusCode()).isEqualTo(400);
      return e.awsErrorDetails().errorCode();
    }
    throw new AssertionError("expected a refusal");
  }

  private String confirmBody(String username) {
    return "{\"UserPoolId\":\"" + POOL + "\",\"Username\":\"" + username + "\"}";
  }

  private HttpResponse<String> post(Map<String, List<String>> headers, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(proxy.baseUrl().resolve("/"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_admin_key_pair_is_an_owner_only_shared_credentials_file_kept_across_restarts()
      throws Exception {
    Path file = dataDir.resolve(AdminCredentials.FILE);
    assertThat(credentialsFile()).isEqualTo(file.toAbsolutePath().normalize());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String content = Files.readString(file);
    assertThat(content)
        .contains("[default]")
        .containsPattern("(?m)^aws_access_key_id = AKIA[A-Z2-7]{16}$")
        .containsPattern("(?m)^aws_secret_access_key = [A-Za-z0-9+/]{40}$");
    AwsCredentials first = admin();

    proxy.close();
    running.close();
    running = RunningServer.start(dataDir);
    proxy = TcpForwarder.to("127.0.0.1", running.server.port());

    assertThat(Files.readString(file)).isEqualTo(content);
    assertThat(admin()).isEqualTo(first);
  }

  @Test
  void serve_prints_the_line_that_points_the_aws_tools_at_the_key_pair() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    Banner.print(new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8), running.server);

    String printed = bytes.toString(StandardCharsets.UTF_8);
    Path file = dataDir.resolve(AdminCredentials.FILE).toAbsolutePath().normalize();
    assertThat(printed.lines().map(String::strip))
        .contains(
            "AWS_SHARED_CREDENTIALS_FILE=" + file, "export AWS_SHARED_CREDENTIALS_FILE=" + file);
  }

  @Test
  void through_a_local_proxy_an_unsigned_admin_call_is_refused() throws Exception {
    signUp("ann@example.com");

    HttpResponse<String> refused =
        post(
            Map.of(
                "Content-Type", List.of("application/x-amz-json-1.1"),
                "X-Amz-Target", List.of("AWSCognitoIdentityProviderService.AdminConfirmSignUp")),
            confirmBody("ann@example.com"));

    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(refused.body());
    assertThat(error.get("__type").asText()).isEqualTo("MissingAuthenticationTokenException");
    assertThat(refused.headers().firstValue("x-amzn-ErrorType"))
        .hasValue("MissingAuthenticationTokenException");
    // still unconfirmed
    try (CognitoClient cognito = new CognitoClient(proxy.baseUrl().toString())) {
      assertThatThrownBy(() -> cognito.login(CLIENT, "ann@example.com", RunningServer.PASSWORD))
          .hasMessageContaining("UserNotConfirmedException");
    }
  }

  @Test
  void the_sdk_signing_with_the_admin_file_is_accepted_other_keys_are_not() throws Exception {
    signUp("bob@example.com");
    AwsCredentials admin = admin();

    try (CognitoIdentityProviderClient wrongSecret =
            sdk(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(admin.accessKeyId(), "not-the-secret")));
        CognitoIdentityProviderClient unknownKey =
            sdk(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIAUNKNOWNKEY000000", admin.secretAccessKey())));
        CognitoIdentityProviderClient operator = sdkWithTheAdminFile()) {
      assertThat(
              errorCode(
                  () ->
                      wrongSecret.adminConfirmSignUp(
                          b -> b.userPoolId(POOL).username("bob@example.com"))))
          .isEqualTo("InvalidSignatureException");
      assertThat(
              errorCode(
                  () ->
                      unknownKey.adminDeleteUser(
                          b -> b.userPoolId(POOL).username("bob@example.com"))))
          .isEqualTo("UnrecognizedClientException");
      assertThatThrownBy(
              () ->
                  operator.initiateAuth(
                      b ->
                          b.clientId(CLIENT)
                              .authFlow("USER_PASSWORD_AUTH")
                              .authParameters(
                                  Map.of(
                                      "USERNAME",
                                      "bob@example.com",
                                      "PASSWORD",
                                      RunningServer.PASSWORD))))
          .isInstanceOf(UserNotConfirmedException.class);

      operator.adminConfirmSignUp(b -> b.userPoolId(POOL).username("bob@example.com"));

      // non-admin actions need no signature, as on Cognito
      try (CognitoClient unsigned = new CognitoClient(proxy.baseUrl().toString())) {
        assertThat(unsigned.login(CLIENT, "bob@example.com", RunningServer.PASSWORD)).isNotBlank();
      }
    }
  }

  @Test
  void a_request_signed_more_than_15_minutes_ago_or_then_altered_is_refused() throws Exception {
    signUp("carol@example.com");
    AwsCredentials admin = admin();
    String body = confirmBody("carol@example.com");

    HttpResponse<String> stale =
        post(signedBySdk(admin, body, Instant.now().minus(Duration.ofMinutes(20))), body);
    assertThat(stale.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(stale.body()).get("__type").asText())
        .isEqualTo("InvalidSignatureException");
    assertThat(JSON.readTree(stale.body()).get("message").asText()).contains("Signature expired");

    Map<String, List<String>> fresh = signedBySdk(admin, body, Instant.now());
    HttpResponse<String> altered = post(fresh, confirmBody("mallory@example.com"));
    assertThat(altered.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(altered.body()).get("__type").asText())
        .isEqualTo("InvalidSignatureException");

    HttpResponse<String> accepted = post(fresh, body);
    assertThat(accepted.statusCode()).isEqualTo(200);
  }

  /** The headers the SDK's own SigV4 signer puts on an AdminConfirmSignUp at {@code at}. */
  private Map<String, List<String>> signedBySdk(AwsCredentials admin, String body, Instant at) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(proxy.baseUrl().resolve("/"))
            .putHeader("Content-Type", "application/x-amz-json-1.1")
            .putHeader("X-Amz-Target", "AWSCognitoIdentityProviderService.AdminConfirmSignUp")
            .build();
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(
                            AwsCredentialsIdentity.create(
                                admin.accessKeyId(), admin.secretAccessKey()))
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(bytes))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "cognito-idp")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "ap-south-1")
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    Map<String, List<String>> headers = new java.util.TreeMap<>(signed.request().headers());
    headers.remove("Host"); // the JDK client sets it (to the same value)
    return headers;
  }

  @Test
  void the_api_refuses_the_tokens_of_a_disabled_or_deleted_user_at_once() throws Exception {
    JobApiClient api = running.api(running.newUserToken("dave@example.com"));
    String jobId = api.submit("{\"testMessagePayload\":\"x\"}");
    assertThat(api.status(jobId).jobId()).isEqualTo(jobId);

    try (CognitoIdentityProviderClient operator = sdkWithTheAdminFile()) {
      operator.adminDisableUser(b -> b.userPoolId(POOL).username("dave@example.com"));
      assertUnauthorized(() -> api.status(jobId));

      operator.adminEnableUser(b -> b.userPoolId(POOL).username("dave@example.com"));
      assertThat(api.status(jobId).jobId()).isEqualTo(jobId);

      operator.adminDeleteUser(b -> b.userPoolId(POOL).username("dave@example.com"));
      assertUnauthorized(() -> api.status(jobId));
    }
  }

  private static void assertUnauthorized(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
  }

  @Test
  void the_aws_cli_with_aws_shared_credentials_file_confirms_a_user() throws Exception {
    Path aws = Path.of("/usr/bin/aws");
    assumeThat(Files.isExecutable(aws)).as("the AWS CLI is installed").isTrue();
    signUp("erin@example.com");

    ProcessBuilder pb =
        new ProcessBuilder(
                aws.toString(),
                "cognito-idp",
                "admin-confirm-sign-up",
                "--endpoint-url",
                proxy.baseUrl().toString(),
                "--region",
                "us-east-1",
                "--user-pool-id",
                POOL,
                "--username",
                "erin@example.com")
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_"));
    env.put("AWS_SHARED_CREDENTIALS_FILE", credentialsFile().toString());
    env.put("AWS_CONFIG_FILE", dataDir.resolve("no-config").toString());
    Process cli = pb.start();
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.exitValue()).as(output).isZero();

    try (CognitoClient cognito = new CognitoClient(proxy.baseUrl().toString())) {
      assertThat(cognito.login(CLIENT, "erin@example.com", RunningServer.PASSWORD)).isNotBlank();
    }

    // without the file the CLI's request is unsigned or signed by a stranger: refused
    env.remove("AWS_SHARED_CREDENTIALS_FILE");
    env.put("AWS_ACCESS_KEY_ID", "AKIASTRANGER0000000");
    env.put("AWS_SECRET_ACCESS_KEY", "whatever");
    pb.command().set(pb.command().size() - 1, "erin@example.com");
    Process stranger = pb.start();
    assertThat(stranger.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String refused = new String(stranger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(stranger.exitValue()).isNotZero();
    assertThat(refused).contains("UnrecognizedClientException");
  }
}
