package dev.qbi.runtime.local.web;

import dev.qbi.core.port.JobHandler;
import dev.qbi.core.port.JobInbox;
import dev.qbi.runtime.local.api.AdminAccess;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The web dashboard as the server composes it: the page and its files ({@link DashboardService}),
 * the admin view's statistics ({@link AdminStatsService} over a {@link StatsHistory} sampled in the
 * background), and the {@link JobActivity} they are drawn from, which the server puts around its
 * job handler and the workers' inbox.
 */
public final class Dashboard implements AutoCloseable {
  private final JobActivity activity;
  private final StatsHistory history;
  private final DashboardService page;
  private final AdminStatsService stats;

  private Dashboard(
      Clock clock,
      LongSupplier queueDepth,
      LongSupplier deadLetters,
      AdminAccess admin,
      DashboardService.Config config,
      Map<String, ?> settings,
      Duration interval,
      Duration window) {
    Objects.requireNonNull(admin, "admin");
    activity = new JobActivity(clock);
    history = new StatsHistory(activity, queueDepth, deadLetters, clock, interval, window);
    page = new DashboardService(config);
    stats = new AdminStatsService(history, admin, settings);
  }

  /**
   * A dashboard whose statistics are sampled every {@link StatsHistory#DEFAULT_INTERVAL} over the
   * last {@link StatsHistory#DEFAULT_WINDOW}, sampling from now on (until {@link #close}).
   *
   * @param settings the server's settings shown in the admin view (names to JSON values)
   */
  public static Dashboard start(
      Clock clock,
      LongSupplier queueDepth,
      LongSupplier deadLetters,
      AdminAccess admin,
      DashboardService.Config config,
      Map<String, ?> settings) {
    Dashboard d =
        new Dashboard(
            clock,
            queueDepth,
            deadLetters,
            admin,
            config,
            settings,
            StatsHistory.DEFAULT_INTERVAL,
            StatsHistory.DEFAULT_WINDOW);
    d.history.start();
    return d;
  }

  /** {@code handler}, its runs counted as jobs in flight. */
  public JobHandler observe(JobHandler handler) {
    return activity.observe(handler);
  }

  /** {@code inbox}, its completions counted and timed (submit→complete). */
  public JobInbox observe(JobInbox inbox) {
    return activity.observe(inbox);
  }

  /** Registers the page's routes and {@code GET /admin/stats}. */
  public void register(HttpRouting.Builder routing) {
    routing.register(page);
    routing.register(stats);
  }

  /** The statistics (tests, operator tools). */
  public StatsHistory history() {
    return history;
  }

  @Override
  public void close() {
    history.close();
  }
}
