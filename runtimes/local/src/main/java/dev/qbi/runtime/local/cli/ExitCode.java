package dev.qbi.runtime.local.cli;

/**
 * The exit codes of the job commands (README, "Job commands"). {@code wait} uses all of them; the
 * other commands exit {@link #OK}, {@link #FAILED} or {@link #USAGE}.
 */
public final class ExitCode {
  /** Done; for {@code wait}: the job is complete. */
  public static final int OK = 0;

  /**
   * The command failed (server unreachable, token refused, unknown job, ...: one line on stderr
   * says which); for {@code wait}: the job failed.
   */
  public static final int FAILED = 1;

  /** A bad option or argument, or something missing (no job id, no token). */
  public static final int USAGE = 2;

  /** {@code wait}: the job was still running when {@code --timeout} passed. */
  public static final int TIMEOUT = 3;

  /** {@code wait}: the job was cancelled. */
  public static final int CANCELLED = 4;

  private ExitCode() {}
}
