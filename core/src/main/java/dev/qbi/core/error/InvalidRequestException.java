package dev.qbi.core.error;

/** The request is malformed (bad JSON, not a UUID, empty body...). */
public class InvalidRequestException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }

  public InvalidRequestException(String message, Throwable cause) {
    super(message, cause);
  }
}
