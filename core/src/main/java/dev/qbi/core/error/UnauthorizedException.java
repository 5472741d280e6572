package dev.qbi.core.error;

/** The caller presented no token or a token that failed verification. */
public class UnauthorizedException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message) {
    super(message);
  }

  public UnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }
}
