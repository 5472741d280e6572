package dev.qbi.core.error;

/**
 * The one unchecked base exception of the project. Subclasses name the kind of failure; the HTTP
 * status mapping lives in one place in each runtime.
 */
public class IngestionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IngestionException(String message) {
    super(message);
  }

  public IngestionException(String message, Throwable cause) {
    super(message, cause);
  }
}
