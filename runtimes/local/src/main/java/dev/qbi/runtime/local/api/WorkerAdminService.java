package dev.qbi.runtime.local.api;

import dev.qbi.runtime.local.worker.WorkerPool;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The operator's worker routes, guarded like every {@code /admin} route:
 *
 * <ul>
 *   <li>{@code GET /admin/workers}: whether leasing is paused, receivers, jobs in flight, queue
 *       depth
 *   <li>{@code POST /admin/workers/pause}: stop leasing new messages (intake goes on; the queue
 *       absorbs the jobs)
 *   <li>{@code POST /admin/workers/resume}: lease again
 * </ul>
 */
public final class WorkerAdminService implements HttpService {

  private final WorkerPool workers;
  private final LongSupplier queueDepth;
  private final AdminGuard guard;

  public WorkerAdminService(WorkerPool workers, LongSupplier queueDepth, AdminAccess admin) {
    this.workers = Objects.requireNonNull(workers, "workers");
    this.queueDepth = Objects.requireNonNull(queueDepth, "queueDepth");
    this.guard = new AdminGuard(admin);
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/admin/workers", guard.guarded(this::show))
        .post("/admin/workers/pause", guard.guarded(this::pause))
        .post("/admin/workers/resume", guard.guarded(this::resume));
  }

  private void show(ServerRequest req, ServerResponse res) {
    Json.send(res, 200, state());
  }

  private void pause(ServerRequest req, ServerResponse res) {
    workers.pause();
    Json.send(res, 200, state());
  }

  private void resume(ServerRequest req, ServerResponse res) {
    workers.resume();
    Json.send(res, 200, state());
  }

  private Map<String, Object> state() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("paused", workers.paused());
    json.put("workers", workers.workers());
    json.put("inFlight", workers.inFlight());
    json.put("queueDepth", queueDepth.getAsLong());
    return json;
  }
}
