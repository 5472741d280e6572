package dev.qbi.core.error;

/** The request's content type is not JSON. */
public class UnsupportedMediaTypeException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public UnsupportedMediaTypeException(String message) {
    super(message);
  }

  public UnsupportedMediaTypeException(String message, Throwable cause) {
    super(message, cause);
  }
}
