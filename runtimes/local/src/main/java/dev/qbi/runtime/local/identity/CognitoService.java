package dev.qbi.runtime.local.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qbi.identity.AuthenticationResult;
import dev.qbi.identity.CodeDeliveryDetails;
import dev.qbi.identity.CognitoException;
import dev.qbi.identity.LocalIdentityProvider;
import dev.qbi.identity.SignUpResult;
import dev.qbi.identity.UserInfo;
import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.api.AdminAccess.AdminRequest;
import dev.qbi.runtime.local.api.AdminRequests;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local identity provider over HTTP, speaking the Amazon Cognito user-pool JSON protocol so the
 * AWS CLI and SDKs work against it with {@code --endpoint-url} (docs/architecture.md).
 *
 * <ul>
 *   <li>{@code POST /} with {@code X-Amz-Target: AWSCognitoIdentityProviderService.<Action>}:
 *       SignUp, ConfirmSignUp, AdminConfirmSignUp, InitiateAuth, AdminDeleteUser, GetUser. Errors
 *       are HTTP 400 with {@code {"__type", "message"}} and {@code x-amzn-ErrorType}. Admin actions
 *       are accepted only from a loopback address.
 *   <li>{@code GET /<poolId>/.well-known/jwks.json} and {@code GET
 *       /<poolId>/.well-known/openid-configuration}.
 * </ul>
 *
 * Register at {@code "/"}.
 */
public final class CognitoService implements HttpService {
  private static final Logger LOG = LoggerFactory.getLogger(CognitoService.class);

  static final String TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
  static final String AMZ_JSON = "application/x-amz-json-1.1";
  private static final HeaderName X_AMZ_TARGET = HeaderNames.create("X-Amz-Target");
  private static final HeaderName X_AMZN_REQUEST_ID = HeaderNames.create("x-amzn-RequestId");
  private static final HeaderName X_AMZN_ERROR_TYPE = HeaderNames.create("x-amzn-ErrorType");
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalIdentityProvider idp;
  private final AdminAccess adminAllowed;

  private CognitoService(LocalIdentityProvider idp, AdminAccess adminAllowed) {
    this.idp = Objects.requireNonNull(idp, "idp");
    this.adminAllowed = Objects.requireNonNull(adminAllowed, "adminAllowed");
  }

  /** Admin actions accepted from loopback callers only. */
  public static CognitoService create(LocalIdentityProvider idp) {
    return new CognitoService(idp, AdminAccess.loopbackOnly());
  }

  /** Admin actions accepted when {@code adminAllowed} says so (the server's one operator check). */
  public static CognitoService create(LocalIdentityProvider idp, AdminAccess adminAllowed) {
    return new CognitoService(idp, adminAllowed);
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .post("/", this::dispatch)
        .get("/{poolId}/.well-known/jwks.json", this::jwks)
        .get("/{poolId}/.well-known/openid-configuration", this::openIdConfiguration);
  }

  private void dispatch(ServerRequest req, ServerResponse res) {
    String requestId = UUID.randomUUID().toString();
    res.header(X_AMZN_REQUEST_ID, requestId);
    String action = "?";
    try {
      String target = req.headers().first(X_AMZ_TARGET).orElse("");
      if (!target.startsWith(TARGET_PREFIX)) {
        throw new ProtocolError("UnknownOperationException", "Missing or unknown X-Amz-Target");
      }
      action = target.substring(TARGET_PREFIX.length());
      checkContentType(req);
      byte[] raw = readBytes(req);
      JsonNode body = parse(raw);
      ObjectNode answer = handle(action, body, AdminRequests.of(req, raw));
      send(res, Status.OK_200, answer);
      LOG.debug("Cognito {} answered 200 (request {})", action, requestId);
    } catch (CognitoException e) {
      LOG.debug("Cognito {} failed: {} (request {})", action, e.type(), requestId);
      sendError(res, Status.BAD_REQUEST_400, e.type(), e.getMessage());
    } catch (ProtocolError e) {
      LOG.debug("Cognito request {} refused: {}", requestId, e.type);
      sendError(res, Status.BAD_REQUEST_400, e.type, e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("Cognito {} failed (request {})", action, requestId, e);
      sendError(
          res,
          Status.INTERNAL_SERVER_ERROR_500,
          CognitoException.INTERNAL_ERROR,
          "Internal error, request " + requestId);
    }
  }

  private ObjectNode handle(String action, JsonNode body, AdminRequest caller) {
    ObjectNode out = JSON.createObjectNode();
    switch (action) {
      case "SignUp" -> {
        SignUpResult r =
            idp.signUp(
                text(body, "ClientId"),
                text(body, "Username"),
                text(body, "Password"),
                attributes(body.get("UserAttributes")));
        out.put("UserConfirmed", r.userConfirmed());
        out.put("UserSub", r.userSub());
        CodeDeliveryDetails d = r.codeDeliveryDetails();
        if (d != null) {
          out.putObject("CodeDeliveryDetails")
              .put("Destination", d.destination())
              .put("DeliveryMedium", d.deliveryMedium())
              .put("AttributeName", d.attributeName());
        }
      }
      case "ConfirmSignUp" ->
          idp.confirmSignUp(
              text(body, "ClientId"), text(body, "Username"), text(body, "ConfirmationCode"));
      case "AdminConfirmSignUp" -> {
        requireAdmin(caller);
        idp.adminConfirmSignUp(text(body, "UserPoolId"), text(body, "Username"));
      }
      case "InitiateAuth" -> {
        AuthenticationResult r =
            idp.initiateAuth(
                text(body, "ClientId"),
                text(body, "AuthFlow"),
                stringMap(body.get("AuthParameters"), "AuthParameters"));
        out.putObject("ChallengeParameters");
        ObjectNode result = out.putObject("AuthenticationResult");
        result.put("AccessToken", r.accessToken());
        result.put("ExpiresIn", r.expiresIn());
        result.put("TokenType", r.tokenType());
        r.refreshToken().ifPresent(t -> result.put("RefreshToken", t));
        result.put("IdToken", r.idToken());
      }
      case "AdminDeleteUser" -> {
        requireAdmin(caller);
        idp.adminDeleteUser(text(body, "UserPoolId"), text(body, "Username"));
      }
      case "GetUser" -> {
        UserInfo user = idp.getUser(text(body, "AccessToken"));
        out.put("Username", user.username());
        ArrayNode attrs = out.putArray("UserAttributes");
        user.attributes().forEach((k, v) -> attrs.addObject().put("Name", k).put("Value", v));
      }
      default ->
          throw new ProtocolError(
              "UnknownOperationException", "Operation " + action + " is not supported here");
    }
    return out;
  }

  private void jwks(ServerRequest req, ServerResponse res) {
    if (!poolMatches(req, res)) {
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
    res.send(idp.publicJwks().toString(true));
  }

  private void openIdConfiguration(ServerRequest req, ServerResponse res) {
    if (!poolMatches(req, res)) {
      return;
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("issuer", idp.issuer());
    doc.put("jwks_uri", idp.settings().jwksUri());
    doc.putArray("id_token_signing_alg_values_supported").add("RS256");
    doc.putArray("subject_types_supported").add("public");
    doc.putArray("response_types_supported").add("code").add("token");
    doc.putArray("scopes_supported").add("openid").add("email").add("profile");
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(write(doc));
  }

  private boolean poolMatches(ServerRequest req, ServerResponse res) {
    String poolId = req.path().pathParameters().first("poolId").orElse("");
    if (idp.poolId().equals(poolId)) {
      return true;
    }
    res.status(Status.NOT_FOUND_404);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send("{\"message\":\"Not Found\"}");
    return false;
  }

  private void requireAdmin(AdminRequest caller) {
    if (!adminAllowed.allows(caller)) {
      LOG.warn("Refused an admin action from a non-loopback caller");
      throw new CognitoException(
          CognitoException.NOT_AUTHORIZED,
          "Admin actions are accepted only from the local machine (loopback).");
    }
  }

  private static void checkContentType(ServerRequest req) {
    Optional<HttpMediaType> type = req.headers().contentType();
    if (type.isEmpty()) {
      return;
    }
    String t = type.get().mediaType().text();
    if (!AMZ_JSON.equalsIgnoreCase(t) && !"application/json".equalsIgnoreCase(t)) {
      throw new ProtocolError(
          "SerializationException", "Content-Type must be " + AMZ_JSON + " or application/json");
    }
  }

  private static byte[] readBytes(ServerRequest req) {
    byte[] bytes;
    if (!req.content().hasEntity()) {
      bytes = new byte[0];
    } else {
      try (InputStream in = req.content().inputStream()) {
        bytes = in.readNBytes(MAX_BODY_BYTES + 1);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ProtocolError("SerializationException", "Request body is too large");
    }
    return bytes;
  }

  private static JsonNode parse(byte[] bytes) {
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ProtocolError("SerializationException", "Request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new ProtocolError("SerializationException", "Request body is not valid JSON");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new ProtocolError("SerializationException", field + " must be a string");
    }
    return v.asText();
  }

  private static Map<String, String> attributes(JsonNode list) {
    Map<String, String> out = new LinkedHashMap<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new ProtocolError("SerializationException", "UserAttributes must be a list");
    }
    for (JsonNode item : list) {
      if (!item.isObject()) {
        throw new ProtocolError("SerializationException", "UserAttributes items must be objects");
      }
      String name = text(item, "Name");
      if (name == null) {
        throw new CognitoException(
            CognitoException.INVALID_PARAMETER, "Attributes need a Name and a Value.");
      }
      String value = text(item, "Value");
      out.put(name, value == null ? "" : value);
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode map, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (map == null || map.isNull()) {
      return out;
    }
    if (!map.isObject()) {
      throw new ProtocolError("SerializationException", field + " must be a map");
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      if (!e.getValue().isTextual()) {
        throw new ProtocolError("SerializationException", field + " values must be strings");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private static void send(ServerResponse res, Status status, ObjectNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, AMZ_JSON);
    res.send(write(body));
  }

  private static void sendError(ServerResponse res, Status status, String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", type);
    body.put("message", message);
    res.header(X_AMZN_ERROR_TYPE, type);
    send(res, status, body);
  }

  private static byte[] write(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** A request that does not follow the protocol (unknown action, bad JSON, bad types). */
  private static final class ProtocolError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String type;

    ProtocolError(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }
}
