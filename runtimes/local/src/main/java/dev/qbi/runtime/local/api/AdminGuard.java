package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.error.ForbiddenException;
import dev.qbi.core.error.IngestionException;
import io.helidon.webserver.http.Handler;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an operator route: the whole request (body included) must satisfy {@link AdminAccess},
 * otherwise 403; a core exception the route throws becomes its HTTP status with {@code {"message":
 * ...}} (an internal error's cause is logged, not shown).
 */
public final class AdminGuard {

  private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final AdminAccess admin;

  public AdminGuard(AdminAccess admin) {
    this.admin = Objects.requireNonNull(admin, "admin");
  }

  public Handler guarded(Handler route) {
    return (req, res) -> {
      try {
        byte[] body = JobApiService.readBounded(req, MAX_BODY_BYTES);
        if (!admin.allows(AdminRequests.of(req, body))) {
          LOG.warn(
              "refused {} {}: not an admin request",
              req.prologue().method().text(),
              req.path().path());
          throw new ForbiddenException(
              "This route needs the server's admin credentials (<data-dir>/admin-credentials)");
        }
        route.handle(req, res);
      } catch (IngestionException e) {
        int status = ApiContract.httpStatus(e);
        if (status >= 500) {
          LOG.error(
              "{} {} failed: {}", req.prologue().method().text(), req.path().path(), e.toString());
        }
        Json.error(res, status, status >= 500 ? ApiContract.INTERNAL_ERROR : e.getMessage());
      }
    };
  }
}
