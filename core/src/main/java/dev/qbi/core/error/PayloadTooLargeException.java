package dev.qbi.core.error;

/** The request body is over the configured limit. */
public class PayloadTooLargeException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message);
  }

  public PayloadTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
