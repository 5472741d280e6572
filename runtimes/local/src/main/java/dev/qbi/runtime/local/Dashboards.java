package dev.qbi.runtime.local;

import dev.qbi.runtime.local.api.AdminAccess;
import dev.qbi.runtime.local.web.Dashboard;
import dev.qbi.runtime.local.web.DashboardService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The web dashboard of {@link IngestionServer}, configured from the server's settings. */
final class Dashboards {
  /** The region and service the dashboard signs admin requests for (as {@code ingest admin}). */
  static final String ADMIN_REGION = "us-east-1";

  static final String ADMIN_SERVICE = "ingest";

  private Dashboards() {}

  /** Starts sampling the statistics; close the dashboard with the server. */
  static Dashboard start(
      ServerSettings s,
      Clock clock,
      LongSupplier queueDepth,
      LongSupplier deadLetters,
      AdminAccess admin) {
    // the local pool answers the Cognito protocol at POST /; an external issuer has no endpoint
    // here
    Optional<String> cognito = s.externalIssuer().isPresent() ? Optional.empty() : Optional.of("/");
    DashboardService.Config config =
        new DashboardService.Config(s.clientId(), s.poolId(), cognito, ADMIN_REGION, ADMIN_SERVICE);
    return Dashboard.start(clock, queueDepth, deadLetters, admin, config, shownSettings(s));
  }

  /** What the admin view shows of the settings: retention and how jobs are processed. */
  static Map<String, Object> shownSettings(ServerSettings s) {
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("retention", s.retention().toString());
    shown.put("retentionSweepInterval", s.retentionSweepInterval().toString());
    shown.put("linkTtl", s.linkTtl().toString());
    shown.put("jobHandler", s.jobHandler());
    shown.put("workers", s.workers());
    shown.put("batchSize", s.batchSize());
    shown.put("maxReceiveCount", s.maxReceiveCount());
    shown.put("visibilityTimeout", s.visibilityTimeout().toString());
    shown.put("jobTimeout", s.jobTimeout().toString());
    shown.put("maxBodyBytes", s.maxBodyBytes());
    return shown;
  }
}
