package dev.qbi.core.error;

/** The caller may not do this (e.g. a tampered or expired download link). */
public class ForbiddenException extends IngestionException {
  private static final long serialVersionUID = 1L;

  public ForbiddenException(String message) {
    super(message);
  }

  public ForbiddenException(String message, Throwable cause) {
    super(message, cause);
  }
}
