package dev.qbi.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClientBuilder;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserNotFoundException;

/**
 * What the suite runs against: a base URL and a Cognito user pool (the real one on AWS, or the
 * local identity provider, which speaks the same protocol). Users are created the way the seed's
 * conftest does it: SignUp, AdminConfirmSignUp, InitiateAuth (USER_PASSWORD_AUTH), and removed with
 * AdminDeleteUser when the target closes.
 *
 * <p>{@link #fromEnvironment()} picks the mode: with {@code STACK_NAME} and {@code
 * COGNITO_STACK_NAME} the deployed mode (outputs from CloudFormation, or from the recorded
 * describe-stacks file named by {@code E2E_STACK_OUTPUTS_FILE}); otherwise the local runtime,
 * started in-process.
 */
public final class E2eTarget implements AutoCloseable {

  public static final String STACK_NAME = "STACK_NAME";
  public static final String COGNITO_STACK_NAME = "COGNITO_STACK_NAME";
  public static final String STACK_OUTPUTS_FILE = "E2E_STACK_OUTPUTS_FILE";
  public static final String FAILURE_TIMEOUT_SECONDS = "E2E_FAILURE_TIMEOUT_SECONDS";

  /**
   * For a loopback (local identity provider) target: the server's admin key pair, {@code
   * <data-dir>/admin-credentials}, which its admin actions must be signed with.
   */
  public static final String ADMIN_CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE";

  /** Output keys defined by template.yaml and cognito.yaml. */
  static final String API_ENDPOINT_OUTPUT = "JobRequestApiEndpoint";

  static final String USER_POOL_OUTPUT = "UserPool";
  static final String CLIENT_OUTPUT = "UserPoolClient";
  static final String ISSUER_OUTPUT = "CognitoIssuer";

  private static final Logger LOG = LoggerFactory.getLogger(E2eTarget.class);
  private static final Pattern AWS_ISSUER =
      Pattern.compile("^https://cognito-idp\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/[^/]+$");

  /** How the target was found. */
  public enum Mode {
    /** The local runtime, started in-process by the suite. */
    LOCAL,
    /** A stack found through its CloudFormation outputs (live or recorded). */
    DEPLOYED
  }

  private final Mode mode;
  private final boolean aws;
  private final URI baseUrl;
  private final CognitoIdentityProviderClient cognito;
  private final String userPoolId;
  private final String clientId;
  private final Duration failureTimeout;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private final List<String> createdUsers = new ArrayList<>();

  private E2eTarget(
      Mode mode,
      boolean aws,
      URI baseUrl,
      CognitoIdentityProviderClient cognito,
      String userPoolId,
      String clientId,
      Duration failureTimeout) {
    this.mode = mode;
    this.aws = aws;
    this.baseUrl = stripTrailingSlash(baseUrl);
    this.cognito = cognito;
    this.userPoolId = userPoolId;
    this.clientId = clientId;
    this.failureTimeout = failureTimeout;
    owned.add(cognito);
  }

  /** The target chosen by system properties, then environment variables. */
  public static E2eTarget fromEnvironment() {
    return fromSettings(
        name -> Optional.ofNullable(System.getProperty(name)).or(() -> env(name)).orElse(null));
  }

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name));
  }

  /** The target chosen by {@code settings} (a name-to-value lookup; null = not set). */
  public static E2eTarget fromSettings(Function<String, String> settings) {
    Optional<String> stack = nonBlank(settings.apply(STACK_NAME));
    Optional<String> cognitoStack = nonBlank(settings.apply(COGNITO_STACK_NAME));
    if (stack.isEmpty() || cognitoStack.isEmpty()) {
      if (stack.isPresent() || cognitoStack.isPresent()) {
        throw new IllegalStateException(
            "set both " + STACK_NAME + " and " + COGNITO_STACK_NAME + " (or neither)");
      }
      return local();
    }
    Optional<String> failureTimeout = nonBlank(settings.apply(FAILURE_TIMEOUT_SECONDS));
    Optional<Path> adminCredentials =
        nonBlank(settings.apply(ADMIN_CREDENTIALS_FILE)).map(Path::of);
    Optional<String> file = nonBlank(settings.apply(STACK_OUTPUTS_FILE));
    if (file.isPresent()) {
      return deployed(
          new RecordedStackOutputs(Path.of(file.get())),
          stack.get(),
          cognitoStack.get(),
          failureTimeout,
          adminCredentials);
    }
    CloudFormationClient cloudFormation =
        CloudFormationClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    try {
      E2eTarget target =
          deployed(
              new CloudFormationStackOutputs(cloudFormation),
              stack.get(),
              cognitoStack.get(),
              failureTimeout,
              adminCredentials);
      target.owned.add(cloudFormation);
      return target;
    } catch (RuntimeException e) {
      cloudFormation.close();
      throw e;
    }
  }

  /** Starts the local runtime in-process; the Cognito client talks to its identity provider. */
  public static E2eTarget local() {
    LocalRuntime runtime = LocalRuntime.start();
    try {
      E2eTarget target =
          new E2eTarget(
              Mode.LOCAL,
              false,
              runtime.baseUrl(),
              localCognito(runtime.baseUrl(), Optional.of(runtime.adminCredentialsFile())),
              runtime.userPoolId(),
              runtime.clientId(),
              Duration.ofSeconds(20));
      target.owned.add(runtime);
      LOG.info("e2e target: local runtime at {}", target.baseUrl);
      return target;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /**
   * {@code serve --backend aws} on the emulators, started in-process ({@link
   * LocalAwsBackendRuntime}); the Cognito client talks to the issuing server's identity provider.
   */
  public static E2eTarget localAws() {
    LocalAwsBackendRuntime runtime = LocalAwsBackendRuntime.start();
    try {
      LocalRuntime issuer = runtime.issuer();
      E2eTarget target =
          new E2eTarget(
              Mode.LOCAL,
              false,
              runtime.baseUrl(),
              localCognito(issuer.baseUrl(), Optional.of(issuer.adminCredentialsFile())),
              issuer.userPoolId(),
              issuer.clientId(),
              Duration.ofSeconds(20));
      target.owned.add(runtime);
      LOG.info("e2e target: --backend aws at {} on the emulators", target.baseUrl);
      return target;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  /**
   * A deployed stack: the API endpoint from the application stack's {@code JobRequestApiEndpoint},
   * the pool and client from the Cognito stack's {@code UserPool} / {@code UserPoolClient}. The
   * Cognito stack's {@code CognitoIssuer} tells where the pool lives: a Cognito issuer on AWS (the
   * SDK's regional endpoint, default credentials), or a loopback issuer of the local identity
   * provider (endpoint override; its admin key pair from {@code AWS_SHARED_CREDENTIALS_FILE}, else
   * dummy credentials, which its admin actions refuse). Anything else is refused.
   */
  public static E2eTarget deployed(
      StackOutputs outputs, String stackName, String cognitoStackName) {
    return deployed(outputs, stackName, cognitoStackName, Optional.empty(), Optional.empty());
  }

  private static E2eTarget deployed(
      StackOutputs outputs,
      String stackName,
      String cognitoStackName,
      Optional<String> failureTimeoutSeconds,
      Optional<Path> adminCredentials) {
    URI api = URI.create(outputs.required(stackName, API_ENDPOINT_OUTPUT));
    String pool = outputs.required(cognitoStackName, USER_POOL_OUTPUT);
    String client = outputs.required(cognitoStackName, CLIENT_OUTPUT);
    String issuer = outputs.required(cognitoStackName, ISSUER_OUTPUT);
    Matcher onAws = AWS_ISSUER.matcher(issuer);
    boolean aws = onAws.matches();
    CognitoIdentityProviderClient cognito;
    if (aws) {
      requireScheme(api, "https");
      cognito =
          CognitoIdentityProviderClient.builder()
              .region(Region.of(onAws.group(1)))
              .httpClient(UrlConnectionHttpClient.create())
              .build();
    } else {
      URI issuerUri = URI.create(issuer);
      requireLoopback(api, API_ENDPOINT_OUTPUT);
      requireLoopback(issuerUri, ISSUER_OUTPUT);
      cognito =
          localCognito(
              URI.create(
                  issuerUri.getScheme() + "://" + issuerUri.getHost() + ":" + issuerUri.getPort()),
              adminCredentials);
    }
    // On AWS a failing job is retried maxReceiveCount times, each after the queue's visibility
    // timeout (3 x 1,080 s by default): allow an hour unless told otherwise.
    Duration failureTimeout =
        failureTimeoutSeconds
            .map(s -> Duration.ofSeconds(Long.parseLong(s)))
            .orElse(aws ? Duration.ofHours(1) : Duration.ofSeconds(20));
    E2eTarget target =
        new E2eTarget(Mode.DEPLOYED, aws, api, cognito, pool, client, failureTimeout);
    LOG.info(
        "e2e target: stack {} / {} at {} ({})",
        stackName,
        cognitoStackName,
        target.baseUrl,
        aws ? "AWS" : "local identity provider");
    return target;
  }

  /**
   * The SDK client of a local identity provider, signing with the server's admin key pair (read by
   * the SDK from the shared-credentials file, as {@code AWS_SHARED_CREDENTIALS_FILE} makes it), or
   * with dummy credentials when there is none.
   */
  private static CognitoIdentityProviderClient localCognito(
      URI endpoint, Optional<Path> adminCredentials) {
    AwsCredentialsProvider credentials =
        adminCredentials
            .<AwsCredentialsProvider>map(
                file ->
                    ProfileCredentialsProvider.builder()
                        .profileFile(
                            ProfileFile.builder()
                                .content(file)
                                .type(ProfileFile.Type.CREDENTIALS)
                                .build())
                        .profileName("default")
                        .build())
            .orElseGet(
                () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("e2e", "e2e")));
    CognitoIdentityProviderClientBuilder builder =
        CognitoIdentityProviderClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create());
    return builder.build();
  }

  private static void requireScheme(URI uri, String scheme) {
    if (!scheme.equals(uri.getScheme())) {
      throw new IllegalStateException("expected an " + scheme + " URL, got " + uri);
    }
  }

  private static void requireLoopback(URI uri, String what) {
    String host = uri.getHost();
    boolean loopback;
    try {
      loopback = host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (IOException e) {
      loopback = false;
    }
    if (!loopback || !"http".equals(uri.getScheme())) {
      throw new IllegalStateException(
          what
              + " "
              + uri
              + " is neither an AWS stack nor a loopback http URL; the suite only drives"
              + " loopback targets outside AWS");
    }
  }

  private static URI stripTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).map(String::strip).filter(s -> !s.isEmpty());
  }

  public Mode mode() {
    return mode;
  }

  /** True when the target is a stack on AWS (API Gateway, real Cognito). */
  public boolean aws() {
    return aws;
  }

  /** The API's base URL, without a trailing slash. */
  public URI baseUrl() {
    return baseUrl;
  }

  public CognitoIdentityProviderClient cognito() {
    return cognito;
  }

  public String userPoolId() {
    return userPoolId;
  }

  public String clientId() {
    return clientId;
  }

  /** How long a job may take to reach {@code complete}. */
  public Duration jobTimeout() {
    return aws ? Duration.ofMinutes(5) : Duration.ofSeconds(20);
  }

  /** How long a job whose business logic fails may take to reach {@code failed}. */
  public Duration failureTimeout() {
    return failureTimeout;
  }

  /** The pause between two polls. */
  public Duration pollInterval() {
    return aws ? Duration.ofSeconds(2) : Duration.ofMillis(50);
  }

  /** A signed-up, confirmed user of the pool and its IdToken; deleted when the target closes. */
  public TestUser createUser(String label) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String username = "qbi-e2e-" + label + "-" + suffix + "@example.com";
    // upper and lower case, digits and a symbol: Cognito's password policy in cognito.yaml
    String password =
        "E2e-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "!9";
    cognito.signUp(
        r ->
            r.clientId(clientId)
                .username(username)
                .password(password)
                .userAttributes(AttributeType.builder().name("name").value(username).build()));
    synchronized (createdUsers) {
      createdUsers.add(username);
    }
    cognito.adminConfirmSignUp(r -> r.userPoolId(userPoolId).username(username));
    String idToken =
        cognito
            .initiateAuth(
                r ->
                    r.authFlow(AuthFlowType.USER_PASSWORD_AUTH)
                        .clientId(clientId)
                        .authParameters(Map.of("USERNAME", username, "PASSWORD", password)))
            .authenticationResult()
            .idToken();
    LOG.info("created e2e user {}", username);
    return new TestUser(username, idToken);
  }

  /** Removes a user (AdminDeleteUser); an already deleted user is fine. */
  public void deleteUser(String username) {
    try {
      cognito.adminDeleteUser(r -> r.userPoolId(userPoolId).username(username));
      LOG.info("deleted e2e user {}", username);
    } catch (UserNotFoundException gone) {
      LOG.info("e2e user {} was already gone", username);
    }
    synchronized (createdUsers) {
      createdUsers.remove(username);
    }
  }

  /** Deletes the users it created, then stops what it started (the local runtime, clients). */
  @Override
  public void close() {
    List<String> users;
    synchronized (createdUsers) {
      users = List.copyOf(createdUsers);
    }
    RuntimeException failure = null;
    for (String user : users) {
      try {
        deleteUser(user);
      } catch (RuntimeException e) {
        LOG.warn("could not delete e2e user {}: {}", user, e.toString());
        failure = failure == null ? e : failure;
      }
    }
    for (AutoCloseable resource : owned.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        if (failure == null) {
          failure =
              e instanceof IOException io
                  ? new UncheckedIOException(io)
                  : new IllegalStateException("cannot close " + resource, e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Keeps {@code resource} open as long as the target and closes it after. */
  public E2eTarget alsoClosing(AutoCloseable resource) {
    owned.addFirst(resource);
    return this;
  }

  /** A confirmed user and its IdToken (never logged). */
  public record TestUser(String username, String idToken) {
    @Override
    public String toString() {
      return "TestUser[" + username + "]";
    }
  }
}
