package dev.qbi.adapters.aws;

/**
 * The batch-simulator function failed: Lambda answered with a function error. The message is the
 * function's {@code errorType: errorMessage}, so the job's recorded failure keeps both.
 */
public final class LambdaFunctionException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String errorType;

  public LambdaFunctionException(String errorType, String errorMessage) {
    super(errorType + ": " + errorMessage);
    this.errorType = errorType;
  }

  /** The function's {@code errorType} (e.g. the exception class of a Java handler). */
  public String errorType() {
    return errorType;
  }
}
