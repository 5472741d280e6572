package dev.qbi.core.error;

/** The request does not fit the job's current state (e.g. cancelling a finished job): HTTP 409. */
public class ConflictException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
