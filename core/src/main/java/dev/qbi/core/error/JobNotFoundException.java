package dev.qbi.core.error;

/** No job with this id is visible to the caller. */
public class JobNotFoundException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public JobNotFoundException(String message) {
    super(message);
  }

  public JobNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
