package dev.qbi.identity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of the pool's request parameters, failing with the {@link CognitoException}s Cognito
 * answers, and the errors shared by several operations.
 */
final class RequestChecks {
  private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
  private static final Set<String> STANDARD_ATTRIBUTES =
      Set.of(
          "address",
          "birthdate",
          "email",
          "family_name",
          "gender",
          "given_name",
          "locale",
          "middle_name",
          "name",
          "nickname",
          "phone_number",
          "picture",
          "preferred_username",
          "profile",
          "updated_at",
          "website",
          "zoneinfo");

  private RequestChecks() {}

  /** Requires {@code clientId} to be the pool's app client. */
  static void checkClient(IdentitySettings settings, String clientId) {
    required(clientId, "ClientId");
    if (!settings.clientId().equals(clientId)) {
      throw new CognitoException(
          CognitoException.RESOURCE_NOT_FOUND, "User pool client " + clientId + " does not exist.");
    }
  }

  /** Requires {@code poolId} to be the pool's id. */
  static void checkPool(IdentitySettings settings, String poolId) {
    required(poolId, "UserPoolId");
    if (!settings.poolId().equals(poolId)) {
      throw new CognitoException(
          CognitoException.RESOURCE_NOT_FOUND, "User pool " + poolId + " does not exist.");
    }
  }

  /** Requires a username Cognito accepts: 1 to 128 letters, marks, symbols, digits, punctuation. */
  static void checkUsername(String username) {
    required(username, "Username");
    if (username.length() > 128 || !USERNAME.matcher(username).matches()) {
      throw CognitoException.invalidParameter(
          "1 validation error detected: Value at 'username' failed to satisfy constraint: Member"
              + " must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+");
    }
  }

  /**
   * Checks sign-up attributes (standard ones or {@code custom:*}, values up to 2048 characters, a
   * plausible email) and returns a mutable copy in the same order.
   */
  static Map<String, String> checkAttributes(Map<String, String> attributes) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (name == null || value == null) {
        throw CognitoException.invalidParameter("Attributes need a Name and a Value.");
      }
      boolean custom = name.startsWith("custom:") && name.length() > 7 && name.length() <= 27;
      if (!custom && !STANDARD_ATTRIBUTES.contains(name)) {
        throw CognitoException.invalidParameter(
            "Attribute does not exist in the schema or cannot be written: " + name);
      }
      if (value.length() > 2048) {
        throw CognitoException.invalidParameter("Attribute value too long: " + name);
      }
      if ("email".equals(name) && !EMAIL.matcher(value).matches()) {
        throw CognitoException.invalidParameter("Invalid email address format.");
      }
      out.put(name, value);
    }
    return out;
  }

  /** Requires a non-empty parameter. */
  static void required(String value, String name) {
    if (value == null || value.isEmpty()) {
      throw CognitoException.invalidParameter("Missing required parameter " + name);
    }
  }

  static CognitoException userNotFound() {
    return new CognitoException(CognitoException.USER_NOT_FOUND, "User does not exist.");
  }
}
