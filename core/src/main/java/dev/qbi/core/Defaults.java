package dev.qbi.core;

import java.time.Duration;

/**
 * The product's defaults, in one place: the local runtime's options, its settings builder and the
 * Lambda handlers' environment all read them from here (the SAM template's parameter defaults are
 * checked against them by the template tests).
 */
public final class Defaults {

  /** Deliveries of a message before its job is {@code failed} and the message dead-lettered. */
  public static final int MAX_RECEIVE_COUNT = 3;

  /** {@link #RETRY_BASE_DELAY} as text, for command-line option defaults. */
  public static final String RETRY_BASE_DELAY_TEXT = "PT1S";

  /** The first retry delay after a failed attempt; doubled per attempt. */
  public static final Duration RETRY_BASE_DELAY = Duration.parse(RETRY_BASE_DELAY_TEXT);

  /** The longest retry delay. */
  public static final Duration RETRY_MAX_DELAY = Duration.ofSeconds(60);

  /** {@link #LINK_TTL} as text, for command-line option defaults. */
  public static final String LINK_TTL_TEXT = "PT1H";

  /** How long a download link stays valid. */
  public static final Duration LINK_TTL = Duration.parse(LINK_TTL_TEXT);

  /** {@link #VISIBILITY_TIMEOUT} as text, for command-line option defaults. */
  public static final String VISIBILITY_TIMEOUT_TEXT = "PT30S";

  /** How long a received message stays leased to its worker. */
  public static final Duration VISIBILITY_TIMEOUT = Duration.parse(VISIBILITY_TIMEOUT_TEXT);

  /** {@link #JOB_TIMEOUT} as text, for command-line option defaults. */
  public static final String JOB_TIMEOUT_TEXT = "PT15M";

  /**
   * How long one attempt's handler may run before it is interrupted and the attempt fails (with a
   * {@code JobTimeoutException}; retried like any failure).
   */
  public static final Duration JOB_TIMEOUT = Duration.parse(JOB_TIMEOUT_TEXT);

  /** The job handler run when none is named. */
  public static final String JOB_HANDLER = "weather-simulator";

  /** {@link #RETENTION} as text, for command-line option defaults. */
  public static final String RETENTION_TEXT = "P30D";

  /**
   * How long finished jobs (rows and outputs) are kept after their last update: the DynamoDB TTL
   * and S3 lifecycle on AWS, the retention sweeper locally.
   */
  public static final Duration RETENTION = Duration.parse(RETENTION_TEXT);

  /** The largest request body accepted by {@code POST /submit-job-request}. */
  public static final int MAX_BODY_BYTES = 256 * 1024;

  private Defaults() {}
}
