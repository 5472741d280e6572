package dev.qbi.core.error;

/**
 * A store cannot take writes for now (disk full, I/O error, locked): the request was not recorded
 * and may be sent again later. HTTP 503 with {@code Retry-After}; the server keeps answering reads
 * and recovers by itself once the cause is gone.
 */
public class StorageUnavailableException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageUnavailableException(String message) {
    super(message);
  }

  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
