package dev.qbi.runtime.local.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.client.AwsCredentials;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.testing.MutableClock;
import dev.qbi.identity.IdentitySettings;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.runtime.local.api.AdminAccess;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthenticationResultType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.CognitoIdentityProviderException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.GetUserResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidPasswordException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.NotAuthorizedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.SignUpResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotConfirmedException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UsernameExistsException;

/** The local user pool over HTTP, driven by the AWS SDK's Cognito client as a real user would. */
class CognitoServiceTest {
  static final String POOL = IdentitySettings.DEFAULT_POOL_ID;
  static final String CLIENT = IdentitySettings.DEFAULT_CLIENT_ID;
  static final String PASSWORD = "Correct-Horse-9";

  @TempDir Path dataDir;
  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  final Map<String, String> codes = new ConcurrentHashMap<>();
  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newHttpClient();

  LocalIdentityProvider idp;
  WebServer server;
  String base;
  CognitoIdentityProviderClient cognito;

  @BeforeEach
  void start() throws IOException {
    startServer(true);
  }

  private void startServer(boolean adminFromHere) throws IOException {
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    IdentitySettings settings =
        IdentitySettings.of(POOL, CLIENT, IdentitySettings.issuerFor("127.0.0.1", port, POOL))
            .withPasswordIterations(1_000);
    idp =
        LocalIdentityProvider.open(
            dataDir, settings, clock, (user, details, code) -> codes.put(user, code));
    // the SDK client below signs with test/test: the admin key pair of this server
    CognitoService service =
        CognitoService.create(
            idp,
            adminFromHere
                ? AdminAccess.sigV4(new AwsCredentials("test", "test"), Clock.systemUTC())
                : AdminAccess.nobody());
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(port)
            .routing(r -> r.register("/", service))
            .build()
            .start();
    cognito =
        CognitoIdentityProviderClient.builder()
            .endpointOverride(URI.create(base))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stop() {
    if (cognito != null) {
      cognito.close();
    }
    if (server != null) {
      server.stop();
    }
    if (idp != null) {
      idp.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private JwtTokenVerifier httpVerifier() {
    return JwtTokenVerifier.builder()
        .issuer(idp.issuer())
        .clientId(CLIENT)
        .jwksUri(URI.create(idp.issuer() + "/.well-known/jwks.json"))
        .clock(clock)
        .build();
  }

  private SignUpResponse signUp(String username, String password) {
    return cognito.signUp(
        b ->
            b.clientId(CLIENT)
                .username(username)
                .password(password)
                .userAttributes(
                    AttributeType.builder().name("email").value(username + "@example.com").build(),
                    AttributeType.builder().name("name").value("User " + username).build()));
  }

  private AuthenticationResultType login(String username, String password) {
    return cognito
        .initiateAuth(
            b ->
                b.clientId(CLIENT)
                    .authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                    .authParameters(Map.of("USERNAME", username, "PASSWORD", password)))
        .authenticationResult();
  }

  private void confirmedUser(String username) {
    signUp(username, PASSWORD);
    cognito.adminConfirmSignUp(b -> b.userPoolId(POOL).username(username));
  }

  @Test
  void seed_flow_sign_up_admin_confirm_login_gives_an_id_token_the_verifier_accepts_over_http() {
    SignUpResponse signedUp = signUp("alice", PASSWORD);
    assertThat(signedUp.userConfirmed()).isFalse();
    assertThat(signedUp.userSub()).hasSize(36);
    assertThat(signedUp.codeDeliveryDetails().destination()).isEqualTo("a***@e***");

    cognito.adminConfirmSignUp(b -> b.userPoolId(POOL).username("alice"));
    AuthenticationResultType tokens = login("alice", PASSWORD);

    assertThat(tokens.expiresIn()).isEqualTo(3600);
    assertThat(tokens.tokenType()).isEqualTo("Bearer");
    assertThat(tokens.refreshToken()).isNotBlank();
    Principal p = httpVerifier().verify(tokens.idToken());
    assertThat(p.sub()).isEqualTo(signedUp.userSub());
    assertThat(p.username()).isEqualTo("alice");
    assertThat(p.tokenUse()).isEqualTo("id");
    assertThat(httpVerifier().verify(tokens.accessToken()).tokenUse()).isEqualTo("access");
  }

  @Test
  void confirm_sign_up_with_the_delivered_code_then_get_user() {
    String sub = signUp("bob", PASSWORD).userSub();

    cognito.confirmSignUp(
        b -> b.clientId(CLIENT).username("bob").confirmationCode(codes.get("bob")));
    AuthenticationResultType tokens = login("bob", PASSWORD);
    GetUserResponse user = cognito.getUser(b -> b.accessToken(tokens.accessToken()));

    assertThat(user.username()).isEqualTo("bob");
    assertThat(user.userAttributes())
        .extracting(AttributeType::name, AttributeType::value)
        .contains(
            org.assertj.core.groups.Tuple.tuple("sub", sub),
            org.assertj.core.groups.Tuple.tuple("email", "bob@example.com"),
            org.assertj.core.groups.Tuple.tuple("email_verified", "true"),
            org.assertj.core.groups.Tuple.tuple("name", "User bob"));
  }

  @Test
  void refresh_token_flow_gives_fresh_tokens() {
    confirmedUser("carol");
    AuthenticationResultType first = login("carol", PASSWORD);
    clock.advance(Duration.ofMinutes(90));

    AuthenticationResultType renewed =
        cognito
            .initiateAuth(
                b ->
                    b.clientId(CLIENT)
                        .authFlow(AuthFlowType.REFRESH_TOKEN_AUTH)
                        .authParameters(Map.of("REFRESH_TOKEN", first.refreshToken())))
            .authenticationResult();

    assertThat(renewed.refreshToken()).isNull();
    assertThat(httpVerifier().verify(renewed.idToken()).username()).isEqualTo("carol");
    assertThatThrownBy(() -> httpVerifier().verify(first.idToken()))
        .isInstanceOf(dev.qbi.core.error.UnauthorizedException.class);
  }

  @Test
  void wrong_password_and_unknown_user_get_the_same_not_authorized_answer() {
    confirmedUser("dave");

    NotAuthorizedException wrongPassword =
        (NotAuthorizedException)
            catchCognito(() -> login("dave", "Wrong-Password-1"), NotAuthorizedException.class);
    NotAuthorizedException unknownUser =
        (NotAuthorizedException)
            catchCognito(() -> login("nobody", "Wrong-Password-1"), NotAuthorizedException.class);

    assertThat(wrongPassword.statusCode()).isEqualTo(400).isEqualTo(unknownUser.statusCode());
    assertThat(wrongPassword.awsErrorDetails().errorMessage())
        .isEqualTo("Incorrect username or password.")
        .isEqualTo(unknownUser.awsErrorDetails().errorMessage());
    assertThat(wrongPassword.awsErrorDetails().errorCode())
        .isEqualTo(unknownUser.awsErrorDetails().errorCode())
        .isEqualTo("NotAuthorizedException");
  }

  @Test
  void weak_password_duplicate_user_and_unconfirmed_login_have_cognitos_error_types() {
    catchCognito(() -> signUp("erin", "password"), InvalidPasswordException.class);

    signUp("erin", PASSWORD);
    catchCognito(() -> signUp("erin", PASSWORD), UsernameExistsException.class);
    catchCognito(() -> login("erin", PASSWORD), UserNotConfirmedException.class);
  }

  @Test
  void repeated_failed_logins_lock_the_user_for_a_while() {
    confirmedUser("frank");
    for (int i = 0; i < 5; i++) {
      catchCognito(() -> login("frank", "Wrong-Password-1"), NotAuthorizedException.class);
    }

    CognitoIdentityProviderException locked =
        catchCognito(() -> login("frank", PASSWORD), NotAuthorizedException.class);
    // in the words of a wrong password: a lock does not reveal that the user exists
    assertThat(locked.awsErrorDetails().errorMessage())
        .isEqualTo("Incorrect username or password.");

    clock.advance(Duration.ofSeconds(1));
    assertThat(login("frank", PASSWORD).idToken()).isNotBlank();
  }

  @Test
  void admin_delete_user_removes_the_user() {
    confirmedUser("gina");
    cognito.adminDeleteUser(b -> b.userPoolId(POOL).username("gina"));

    catchCognito(() -> login("gina", PASSWORD), NotAuthorizedException.class);
  }

  @Test
  void admin_actions_are_refused_without_the_operators_authority() throws IOException {
    stop();
    startServer(false);
    signUp("hank", PASSWORD);

    CognitoIdentityProviderException refused =
        catchCognito(
            () -> cognito.adminConfirmSignUp(b -> b.userPoolId(POOL).username("hank")),
            NotAuthorizedException.class);
    assertThat(refused.awsErrorDetails().errorMessage()).isEqualTo("Not authorized.");
    catchCognito(
        () -> cognito.adminDeleteUser(b -> b.userPoolId(POOL).username("hank")),
        NotAuthorizedException.class);
    catchCognito(() -> login("hank", PASSWORD), UserNotConfirmedException.class);
  }

  @Test
  void protocol_errors_are_json_400s_with_aws_headers() throws Exception {
    HttpResponse<String> unknown =
        post("AWSCognitoIdentityProviderService.ListUsers", "{}", CognitoService.AMZ_JSON);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.headers().firstValue("x-amzn-ErrorType"))
        .hasValue("UnknownOperationException");
    assertThat(unknown.headers().firstValue("x-amzn-RequestId")).isPresent();
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue(CognitoService.AMZ_JSON);
    assertThat(json.readTree(unknown.body()).get("__type").asText())
        .isEqualTo("UnknownOperationException");

    HttpResponse<String> malformed =
        post("AWSCognitoIdentityProviderService.SignUp", "{not json", CognitoService.AMZ_JSON);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json.readTree(malformed.body()).get("__type").asText())
        .isEqualTo("SerializationException");

    HttpResponse<String> noTarget = post(null, "{}", CognitoService.AMZ_JSON);
    assertThat(noTarget.statusCode()).isEqualTo(400);

    HttpResponse<String> plainJson =
        post(
            "AWSCognitoIdentityProviderService.InitiateAuth",
            "{\"ClientId\":\"nope\",\"AuthFlow\":\"USER_PASSWORD_AUTH\"}",
            "application/json");
    assertThat(plainJson.statusCode()).isEqualTo(400);
    JsonNode error = json.readTree(plainJson.body());
    assertThat(error.get("__type").asText()).isEqualTo("ResourceNotFoundException");
    assertThat(error.get("message").asText()).isEqualTo("User pool client nope does not exist.");
  }

  @Test
  void jwks_and_openid_configuration_are_served_under_the_issuer() throws Exception {
    HttpResponse<String> config = get("/" + POOL + "/.well-known/openid-configuration");
    assertThat(config.statusCode()).isEqualTo(200);
    JsonNode doc = json.readTree(config.body());
    assertThat(doc.get("issuer").asText()).isEqualTo(idp.issuer());
    assertThat(doc.get("jwks_uri").asText()).isEqualTo(idp.issuer() + "/.well-known/jwks.json");
    assertThat(doc.get("id_token_signing_alg_values_supported").get(0).asText()).isEqualTo("RS256");
    assertThat(doc.get("subject_types_supported")).isNotEmpty();
    assertThat(doc.get("response_types_supported")).isNotEmpty();

    HttpResponse<String> jwks = get("/" + POOL + "/.well-known/jwks.json");
    assertThat(jwks.statusCode()).isEqualTo(200);
    JsonNode key = json.readTree(jwks.body()).get("keys").get(0);
    assertThat(key.get("kty").asText()).isEqualTo("RSA");
    assertThat(key.get("alg").asText()).isEqualTo("RS256");
    assertThat(key.get("use").asText()).isEqualTo("sig");
    assertThat(key.has("kid")).isTrue();
    assertThat(key.has("d")).as("no private part").isFalse();
    assertThat(key.has("p")).isFalse();

    assertThat(get("/us-east-1_Other/.well-known/jwks.json").statusCode()).isEqualTo(404);
  }

  @Test
  void signup_and_login_commands_print_what_a_script_needs() throws IOException {
    Path credentials = dataDir.resolve("test-credentials");
    Files.writeString(
        credentials, "[default]\naws_access_key_id = test\naws_secret_access_key = test\n");
    java.io.StringWriter signupOut = new java.io.StringWriter();
    int signupExit =
        new picocli.CommandLine(new SignupCommand())
            .setOut(new java.io.PrintWriter(signupOut))
            .execute(
                "--username",
                "ivy",
                "--password",
                PASSWORD,
                "--email",
                "ivy@example.com",
                "--endpoint",
                base,
                "--admin-credentials",
                credentials.toString());
    assertThat(signupExit).isZero();
    assertThat(signupOut.toString()).contains("Signed up user ivy").contains("Confirmed user ivy");

    java.io.StringWriter loginOut = new java.io.StringWriter();
    int loginExit =
        new picocli.CommandLine(new LoginCommand())
            .setOut(new java.io.PrintWriter(loginOut))
            .execute("--username", "ivy", "--password", PASSWORD, "--endpoint", base + "/");
    assertThat(loginExit).isZero();
    String printed = loginOut.toString();
    assertThat(printed.lines()).hasSize(1);
    assertThat(httpVerifier().verify(printed.strip()).username()).isEqualTo("ivy");

    java.io.StringWriter failedOut = new java.io.StringWriter();
    java.io.StringWriter failedErr = new java.io.StringWriter();
    int failedExit =
        new picocli.CommandLine(new LoginCommand())
            .setOut(new java.io.PrintWriter(failedOut))
            .setErr(new java.io.PrintWriter(failedErr))
            .execute("--username", "ivy", "--password", "Wrong-Password-1", "--endpoint", base);
    assertThat(failedExit).isEqualTo(1);
    assertThat(failedOut.toString()).isEmpty();
    assertThat(failedErr.toString())
        .contains("NotAuthorizedException: Incorrect username or password.");

    java.io.StringWriter dupErr = new java.io.StringWriter();
    int dupExit =
        new picocli.CommandLine(new SignupCommand())
            .setErr(new java.io.PrintWriter(dupErr))
            .execute(
                "--username",
                "ivy",
                "--password",
                PASSWORD,
                "--endpoint",
                base,
                "--data-dir",
                dataDir.toString(),
                "--admin-credentials",
                credentials.toString());
    assertThat(dupExit).isEqualTo(1);
    assertThat(dupErr.toString()).contains("UsernameExistsException");

    // without readable credentials: one line naming the file, nothing sent
    java.io.StringWriter noKeyErr = new java.io.StringWriter();
    Path missing = dataDir.resolve("elsewhere");
    int noKeyExit =
        new picocli.CommandLine(new SignupCommand())
            .setErr(new java.io.PrintWriter(noKeyErr))
            .execute(
                "--username",
                "jim",
                "--password",
                PASSWORD,
                "--endpoint",
                base,
                "--data-dir",
                missing.toString());
    assertThat(noKeyExit).isEqualTo(1);
    assertThat(noKeyErr.toString())
        .contains("cannot read the admin credentials " + missing.resolve("admin-credentials"))
        .hasLineCount(1);
    catchCognito(() -> login("jim", PASSWORD), NotAuthorizedException.class);
  }

  private HttpResponse<String> post(String target, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + "/"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      b.header("X-Amz-Target", target);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static CognitoIdentityProviderException catchCognito(
      Runnable call, Class<? extends CognitoIdentityProviderException> type) {
    try {
      call.run();
    } catch (CognitoIdentityProviderException e) {
      assertThat(e).isInstanceOf(type);
      assertThat(e.statusCode()).isEqualTo(400);
      return e;
    }
    throw new AssertionError("expected " + type.getSimpleName());
  }
}
