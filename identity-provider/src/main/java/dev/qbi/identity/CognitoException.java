package dev.qbi.identity;

import java.util.Objects;

/**
 * A failure of a user-pool operation, carrying the Cognito error type ({@code __type} on the wire,
 * e.g. {@code NotAuthorizedException}) and a message in Cognito's words. The message never holds a
 * password, code or token.
 */
public final class CognitoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final String USERNAME_EXISTS = "UsernameExistsException";
  public static final String USER_NOT_CONFIRMED = "UserNotConfirmedException";
  public static final String NOT_AUTHORIZED = "NotAuthorizedException";
  public static final String INVALID_PASSWORD = "InvalidPasswordException";
  public static final String INVALID_PARAMETER = "InvalidParameterException";
  public static final String USER_NOT_FOUND = "UserNotFoundException";
  public static final String RESOURCE_NOT_FOUND = "ResourceNotFoundException";
  public static final String CODE_MISMATCH = "CodeMismatchException";
  public static final String EXPIRED_CODE = "ExpiredCodeException";
  public static final String LIMIT_EXCEEDED = "LimitExceededException";
  public static final String INTERNAL_ERROR = "InternalErrorException";
  public static final String TOO_MANY_REQUESTS = "TooManyRequestsException";

  private final String type;

  public CognitoException(String type, String message) {
    super(message);
    this.type = Objects.requireNonNull(type, "type");
  }

  /** The Cognito error type, as sent in {@code __type} and {@code x-amzn-ErrorType}. */
  public String type() {
    return type;
  }

  static CognitoException notAuthorized(String message) {
    return new CognitoException(NOT_AUTHORIZED, message);
  }

  static CognitoException invalidParameter(String message) {
    return new CognitoException(INVALID_PARAMETER, message);
  }

  static CognitoException invalidPassword(String reason) {
    return new CognitoException(
        INVALID_PASSWORD, "Password did not conform with policy: " + reason);
  }
}
