package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponse;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.auth.JwtTokenVerifier;
import dev.qbi.core.auth.Principal;
import dev.qbi.core.auth.TokenVerifier;
import dev.qbi.core.error.UnauthorizedException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's Lambda authorizer, payload format 1.0 (the REST-compatible REQUEST shape, with
 * {@code methodArn}), IAM-policy responses.
 *
 * <p>The token comes from the {@code Authorization} header, raw or as {@code Bearer <token>}, and
 * is checked by the shared {@link JwtTokenVerifier} against the Cognito pool's JWKS ({@code
 * COGNITO_ISSUER} + {@code /.well-known/jwks.json}). A good token gets a policy allowing exactly
 * the API's routes in the calling stage (so API Gateway's authorizer cache may serve any of them),
 * {@code principalId} = {@code sub}, and a context with {@code owner} (= {@code sub}) and {@code
 * username}; the integrations read the owner from there. Any other token makes the handler throw an
 * exception whose message is exactly {@code Unauthorized}: API Gateway answers that with 401 (a
 * Deny policy, or a simple response with {@code isAuthorized: false}, would be a 403).
 *
 * <p>Because a rejection is an error to Lambda, the function's {@code Errors} metric counts bad
 * tokens as well as faults. Any other exception (a bug, a broken configuration) is therefore also
 * counted in {@link AuthorizerFaults} before it is rethrown (API Gateway then answers 500), and the
 * stack's alarm watches that metric instead of {@code Errors}.
 */
public final class AuthorizerHandler
    implements RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponse> {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of(
          "COGNITO_ISSUER",
          "USER_POOL_CLIENT_ID",
          "POWERTOOLS_SERVICE_NAME",
          "POWERTOOLS_METRICS_NAMESPACE",
          "POWERTOOLS_LOG_LEVEL");

  /** The error message API Gateway turns into a 401. */
  public static final String UNAUTHORIZED = "Unauthorized";

  /** The routes a verified caller may invoke, as {@code METHOD/path} below the stage. */
  public static final List<String> ROUTES =
      List.of("POST/submit-job-request", "GET/job-status/*", "GET/jobs", "DELETE/jobs/*");

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizerHandler.class);

  private final TokenVerifier verifier;
  private final AuthorizerFaults faults;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public AuthorizerHandler() {
    this(verifier(Env.system(ENV)), AuthorizerFaults.powertools());
  }

  AuthorizerHandler(Env env) {
    this(verifier(env), AuthorizerFaults.NONE);
  }

  AuthorizerHandler(TokenVerifier verifier, AuthorizerFaults faults) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  /** The Cognito verifier: issuer and app client from the environment, the pool's JWKS URL. */
  static JwtTokenVerifier verifier(Env env) {
    String issuer = env.required("COGNITO_ISSUER");
    while (issuer.endsWith("/")) {
      issuer = issuer.substring(0, issuer.length() - 1);
    }
    return JwtTokenVerifier.builder()
        .issuer(issuer)
        .clientId(env.required("USER_POOL_CLIENT_ID"))
        .jwksUri(URI.create(issuer + "/.well-known/jwks.json"))
        .build();
  }

  @Override
  public IamPolicyResponse handleRequest(APIGatewayCustomAuthorizerEvent event, Context context) {
    return Observability.withLogging(
        context, Observability.REQUEST_ID_PATH, event, () -> authorize(event));
  }

  /**
   * @throws UnauthorizedException with the message {@code Unauthorized} for a missing or bad token
   *     or an event without a usable {@code methodArn}
   * @throws RuntimeException anything else, counted in {@link AuthorizerFaults} first
   */
  IamPolicyResponse authorize(APIGatewayCustomAuthorizerEvent event) {
    try {
      return decide(event);
    } catch (UnauthorizedException rejected) {
      throw rejected;
    } catch (RuntimeException fault) {
      LOG.error("authorizer fault", fault);
      faults.record(fault);
      throw fault;
    }
  }

  private IamPolicyResponse decide(APIGatewayCustomAuthorizerEvent event) {
    if (event == null) {
      throw unauthorized("no event");
    }
    String stageArn =
        stageArn(event.getMethodArn()).orElseThrow(() -> unauthorized("no usable methodArn"));
    String token = token(event).orElseThrow(() -> unauthorized("no Authorization header"));
    Principal principal;
    try {
      principal = verifier.verify(token);
    } catch (UnauthorizedException e) {
      throw unauthorized("token rejected");
    }
    LOG.info("authorized {} ({} token)", principal.sub(), principal.tokenUse());
    return policy(principal, stageArn);
  }

  static IamPolicyResponse policy(Principal principal, String stageArn) {
    List<String> resources = ROUTES.stream().map(route -> stageArn + "/" + route).toList();
    IamPolicyResponse.Statement allow =
        IamPolicyResponse.Statement.builder()
            .withAction(IamPolicyResponse.EXECUTE_API_INVOKE)
            .withEffect(IamPolicyResponse.ALLOW)
            .withResource(resources)
            .build();
    return IamPolicyResponse.builder()
        .withPrincipalId(principal.sub())
        .withPolicyDocument(
            IamPolicyResponse.PolicyDocument.builder()
                .withVersion(IamPolicyResponse.VERSION_2012_10_17)
                .withStatement(List.of(allow))
                .build())
        .withContext(Map.of(HttpJson.OWNER_KEY, principal.sub(), "username", principal.username()))
        .build();
  }

  /**
   * {@code arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE} from a method/route ARN such as {@code
   * arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/jobs}.
   */
  static Optional<String> stageArn(String methodArn) {
    if (methodArn == null || !methodArn.startsWith("arn:")) {
      return Optional.empty();
    }
    String[] parts = methodArn.split("/", -1);
    String[] head = parts[0].split(":", -1);
    if (parts.length < 2
        || head.length != 6
        || !"execute-api".equals(head[2])
        || head[5].isEmpty()
        || parts[1].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parts[0] + "/" + parts[1]);
  }

  /**
   * The raw JWT from the Authorization header (any case), without a {@code Bearer } prefix ({@link
   * ApiContract#bearerToken}).
   */
  static Optional<String> token(APIGatewayCustomAuthorizerEvent event) {
    String value = null;
    Map<String, String> headers = event.getHeaders();
    if (headers != null) {
      for (Map.Entry<String, String> header : headers.entrySet()) {
        if ("authorization".equalsIgnoreCase(header.getKey())) {
          value = header.getValue();
          break;
        }
      }
    }
    if (value == null) {
      // payload 1.0 also carries the identity source's value
      value = event.getIdentitySource();
    }
    return ApiContract.bearerToken(value);
  }

  private static UnauthorizedException unauthorized(String reason) {
    LOG.info("unauthorized: {}", reason);
    return new UnauthorizedException(UNAUTHORIZED);
  }
}
