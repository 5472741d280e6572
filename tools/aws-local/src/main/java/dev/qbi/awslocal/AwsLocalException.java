package dev.qbi.awslocal;

/** Why aws-local could not start, in one line a user can act on (a busy port, Node.js missing). */
public final class AwsLocalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AwsLocalException(String message) {
    super(message);
  }

  public AwsLocalException(String message, Throwable cause) {
    super(message, cause);
  }
}
