package dev.qbi.client;

/**
 * An error answer of the user pool in the Cognito JSON protocol: its error type (the {@code __type}
 * of the body or the {@code x-amzn-ErrorType} header, without a namespace, e.g. {@code
 * NotAuthorizedException}) and its message.
 */
public final class CognitoException extends ApiException {
  private static final long serialVersionUID = 1L;

  private final String errorType;
  private final String errorMessage;

  /**
   * @param action the Cognito action called (e.g. {@code InitiateAuth})
   * @param statusCode the answer's HTTP status
   * @param body the answer's body as text
   * @param errorType the error type without namespace
   * @param errorMessage the error's message (may be empty)
   */
  public CognitoException(
      String action, int statusCode, String body, String errorType, String errorMessage) {
    super(action, statusCode, body);
    this.errorType = errorType;
    this.errorMessage = errorMessage;
  }

  /** The error type, e.g. {@code UsernameExistsException}. */
  public String errorType() {
    return errorType;
  }

  /** The user pool's message, e.g. {@code Incorrect username or password.} (may be empty). */
  public String errorMessage() {
    return errorMessage;
  }

  /** {@code Type: message}, as the AWS CLI shows a Cognito error. */
  @Override
  public String toString() {
    return errorType + ": " + errorMessage;
  }
}
