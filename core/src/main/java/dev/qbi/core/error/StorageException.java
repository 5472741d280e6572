package dev.qbi.core.error;

/** A store (database, queue, files) failed; not the caller's fault. */
public class StorageException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
