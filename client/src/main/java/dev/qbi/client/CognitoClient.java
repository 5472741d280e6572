package dev.qbi.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A client of the Cognito user-pool JSON protocol ({@code X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Action>}): works against the local server's identity provider
 * and real Cognito ({@code https://cognito-idp.REGION.amazonaws.com/}). The admin actions
 * (AdminConfirmSignUp, AdminDeleteUser, ...) need AWS credentials: a client made with {@link
 * AwsCredentials} signs every call with AWS Signature Version 4 (service {@code cognito-idp}, the
 * endpoint's region, or {@code us-east-1} for another host such as the local server, which takes
 * the key pair it wrote to {@code <data-dir>/admin-credentials}). Without credentials calls go
 * unsigned, which is all SignUp, ConfirmSignUp and InitiateAuth need.
 *
 * <p>Every call throws {@link CognitoException} for an error answer of the protocol, {@link
 * ApiException} for another non-2xx answer, another {@link java.io.IOException} when the endpoint
 * cannot be reached or answers something that is not JSON, and {@link InterruptedException}.
 */
public final class CognitoClient implements AutoCloseable {
  /** The {@code X-Amz-Target} prefix of every action. */
  public static final String TARGET_PREFIX = "AWSCognitoIdentityProviderService.";

  /** The protocol's content type. */
  public static final String AMZ_JSON = "application/x-amz-json-1.1";

  /** The service name requests are signed for. */
  public static final String SIGNING_SERVICE = "cognito-idp";

  private static final Pattern AWS_HOST =
      Pattern.compile("cognito-idp(?:-fips)?\\.([a-z0-9-]+)\\.amazonaws\\.com");

  private final URI endpoint;
  private final HttpClient http;
  private final boolean ownsHttp;
  private final Optional<SigV4Signer> signer;

  /** A client of the user pool at {@code endpoint}, with its own HTTP connections, unsigned. */
  public CognitoClient(String endpoint) {
    this(endpoint, Http.defaultClient(), true, null);
  }

  /**
   * A client of the user pool at {@code endpoint}, with its own HTTP connections, signing every
   * call with {@code credentials} (needed for the admin actions).
   */
  public CognitoClient(String endpoint, AwsCredentials credentials) {
    this(endpoint, Http.defaultClient(), true, Objects.requireNonNull(credentials, "credentials"));
  }

  /**
   * A client of the user pool at {@code endpoint}, with its own HTTP connections trusting what
   * {@code trust} does (e.g. {@link TrustedCertificates#fromPem}; {@code null}: the JDK's trust
   * store), signing every request with {@code credentials} ({@code null}: unsigned).
   */
  public CognitoClient(String endpoint, SSLContext trust, AwsCredentials credentials) {
    this(endpoint, Http.client(trust), true, credentials);
  }

  /** A client of the user pool at {@code endpoint} over {@code http}, which it does not close. */
  public CognitoClient(String endpoint, HttpClient http) {
    this(endpoint, http, false, null);
  }

  private CognitoClient(
      String endpoint, HttpClient http, boolean ownsHttp, AwsCredentials credentials) {
    URI uri = URI.create(endpoint.endsWith("/") ? endpoint : endpoint + "/");
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException("endpoint must be an http(s) URL: " + endpoint);
    }
    this.endpoint = uri;
    this.http = Objects.requireNonNull(http, "http");
    this.ownsHttp = ownsHttp;
    this.signer =
        Optional.ofNullable(credentials)
            .map(c -> new SigV4Signer(c, signingRegion(uri), SIGNING_SERVICE));
  }

  /**
   * The region of a Cognito endpoint ({@code cognito-idp.REGION.amazonaws.com}), else us-east-1.
   */
  static String signingRegion(URI endpoint) {
    Matcher m = AWS_HOST.matcher(endpoint.getHost() == null ? "" : endpoint.getHost());
    return m.matches() ? m.group(1) : "us-east-1";
  }

  /** The endpoint the actions are posted to (with a trailing slash). */
  public URI endpoint() {
    return endpoint;
  }

  /** An empty request body to fill in for {@link #call}. */
  public static ObjectNode body() {
    return Http.JSON.createObjectNode();
  }

  /**
   * {@code SignUp}: creates a user, unconfirmed unless the pool auto-confirms.
   *
   * @param attributes user attributes (e.g. {@code email}); none are sent when empty
   */
  public SignUpResult signUp(
      String clientId, String username, String password, Map<String, String> attributes)
      throws IOException, InterruptedException {
    ObjectNode request =
        body().put("ClientId", clientId).put("Username", username).put("Password", password);
    if (!attributes.isEmpty()) {
      var list = request.putArray("UserAttributes");
      attributes.forEach((name, value) -> list.addObject().put("Name", name).put("Value", value));
    }
    JsonNode answer = call("SignUp", request);
    return new SignUpResult(
        answer.path("UserSub").asText(""), answer.path("UserConfirmed").asBoolean(false));
  }

  /**
   * What {@code SignUp} answered.
   *
   * @param userSub the new user's {@code sub}
   * @param userConfirmed whether the user is confirmed already
   */
  public record SignUpResult(String userSub, boolean userConfirmed) {}

  /** {@code ConfirmSignUp}: confirms a user with the code the pool delivered. */
  public void confirmSignUp(String clientId, String username, String confirmationCode)
      throws IOException, InterruptedException {
    call(
        "ConfirmSignUp",
        body()
            .put("ClientId", clientId)
            .put("Username", username)
            .put("ConfirmationCode", confirmationCode));
  }

  /** {@code AdminConfirmSignUp}: confirms a user without a code (needs credentials). */
  public void adminConfirmSignUp(String userPoolId, String username)
      throws IOException, InterruptedException {
    call("AdminConfirmSignUp", body().put("UserPoolId", userPoolId).put("Username", username));
  }

  /** {@code AdminDeleteUser}: removes a user (needs credentials). */
  public void adminDeleteUser(String userPoolId, String username)
      throws IOException, InterruptedException {
    call("AdminDeleteUser", body().put("UserPoolId", userPoolId).put("Username", username));
  }

  /**
   * {@code InitiateAuth} with {@code USER_PASSWORD_AUTH}: the tokens, or the challenge the pool
   * asks for instead.
   */
  public AuthResult initiateAuth(String clientId, String username, String password)
      throws IOException, InterruptedException {
    ObjectNode request = body().put("ClientId", clientId).put("AuthFlow", "USER_PASSWORD_AUTH");
    request.putObject("AuthParameters").put("USERNAME", username).put("PASSWORD", password);
    JsonNode answer = call("InitiateAuth", request);
    JsonNode result = answer.path("AuthenticationResult");
    String idToken = result.path("IdToken").asText("");
    Optional<Tokens> tokens =
        idToken.isEmpty()
            ? Optional.empty()
            : Optional.of(
                new Tokens(
                    idToken,
                    result.path("AccessToken").asText(""),
                    optional(result, "RefreshToken"),
                    result.path("ExpiresIn").asInt(0),
                    result.path("TokenType").asText("")));
    return new AuthResult(tokens, optional(answer, "ChallengeName"));
  }

  /**
   * {@link #initiateAuth} for the IdToken, the API's token.
   *
   * @throws IOException also when the pool answers a challenge instead of tokens
   */
  public String login(String clientId, String username, String password)
      throws IOException, InterruptedException {
    AuthResult result = initiateAuth(clientId, username, password);
    return result
        .tokens()
        .map(Tokens::idToken)
        .orElseThrow(
            () ->
                new IOException(
                    "InitiateAuth answered no IdToken (challenge: "
                        + result.challengeName().orElse("none")
                        + ")"));
  }

  /**
   * What {@code InitiateAuth} answered: tokens, or a challenge to answer first.
   *
   * @param tokens the {@code AuthenticationResult}, when there is one with an IdToken
   * @param challengeName the {@code ChallengeName}, when the pool asks for one
   */
  public record AuthResult(Optional<Tokens> tokens, Optional<String> challengeName) {}

  /**
   * An {@code AuthenticationResult} (never logged whole: {@link #toString} hides the tokens).
   *
   * @param idToken the IdToken: what the job API takes in {@code Authorization}
   * @param accessToken the access token
   * @param refreshToken the refresh token, when the pool issues one
   * @param expiresIn the tokens' lifetime in seconds
   * @param tokenType {@code Bearer}
   */
  public record Tokens(
      String idToken,
      String accessToken,
      Optional<String> refreshToken,
      int expiresIn,
      String tokenType) {
    @Override
    public String toString() {
      return "Tokens[" + tokenType + ", expiresIn=" + expiresIn + "]";
    }
  }

  /**
   * Calls {@code action} with {@code body} and returns the JSON answer (an empty object for an
   * empty body): the way to any action this class has no method for.
   */
  public JsonNode call(String action, JsonNode body) throws IOException, InterruptedException {
    byte[] bytes = Http.JSON.writeValueAsBytes(body);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", AMZ_JSON);
    headers.put("X-Amz-Target", TARGET_PREFIX + action);
    signer.ifPresent(s -> headers.putAll(s.sign("POST", endpoint, Map.copyOf(headers), bytes)));
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(endpoint)
            .timeout(Http.DEFAULT_REQUEST_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    headers.forEach(builder::header);
    RawResponse response = Http.send(http, builder.build());
    if (response.successful()) {
      return Http.json(response, endpoint + " (" + action + ")");
    }
    JsonNode error;
    try {
      error = Http.json(response, action);
    } catch (IOException notJson) {
      throw new ApiException(action, response.statusCode(), response.bodyText());
    }
    String type = error.path("__type").asText("");
    if (type.isEmpty()) {
      type =
          response
              .header("x-amzn-ErrorType")
              .orElse("HTTP " + response.statusCode())
              .split(":", 2)[0];
    }
    int hash = type.lastIndexOf('#');
    if (hash >= 0) {
      type = type.substring(hash + 1);
    }
    String message = error.path("message").asText(error.path("Message").asText(""));
    throw new CognitoException(action, response.statusCode(), response.bodyText(), type, message);
  }

  /** Closes the HTTP connections when this client created them. */
  @Override
  public void close() {
    if (ownsHttp) {
      http.close();
    }
  }

  private static Optional<String> optional(JsonNode json, String field) {
    String value = json.path(field).asText("");
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
