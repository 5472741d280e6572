package dev.qbi.core.port;

/**
 * Thrown by a {@link JobHandler} for a failure that another attempt cannot fix (a request the
 * business logic will never accept, say): the job is {@code failed} on this attempt, with this
 * exception's type and message as its error, and its message is dead-lettered at once instead of
 * being retried. Also recognised as the cause of another exception.
 */
public class PermanentJobFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How deep a cause chain is searched (chains can, in theory, loop). */
  private static final int MAX_CAUSES = 16;

  public PermanentJobFailure(String message) {
    super(message);
  }

  public PermanentJobFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** True when {@code e} is a {@link PermanentJobFailure} or was caused by one. */
  public static boolean isPermanent(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      if (t instanceof PermanentJobFailure) {
        return true;
      }
    }
    return false;
  }
}
