package dev.qbi.bench;

/** The benchmark could not produce its figures; the message says why (shown to the user). */
final class BenchFailure extends Exception {
  private static final long serialVersionUID = 1L;

  BenchFailure(String message) {
    super(message);
  }

  BenchFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
