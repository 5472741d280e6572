package dev.qbi.runtime.local.api;

import dev.qbi.core.api.ApiContract;
import dev.qbi.core.job.DeadLetter;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Page;
import dev.qbi.core.usecase.ManageDeadLetters;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator's dead-letter routes, each allowed only when {@link AdminAccess} (the one check of
 * every operator action, the Cognito protocol's {@code Admin*} operations included) accepts the
 * request; otherwise 403. Bodies are JSON; errors are {@code {"message": ...}}.
 *
 * <ul>
 *   <li>{@code GET /admin/dead-letters?limit=&next=}: the dead letters, oldest first
 *   <li>{@code GET /admin/dead-letters/{jobId}}: one job's dead letter and the job's errors
 *   <li>{@code POST /admin/dead-letters/{jobId}/redrive}: run the job again (it must be failed)
 *   <li>{@code POST /admin/dead-letters/redrive}: the same for every dead letter
 *   <li>{@code DELETE /admin/dead-letters/{jobId}}: purge one job's dead letter
 *   <li>{@code POST /admin/dead-letters/purge}: purge them all
 * </ul>
 */
public final class DeadLetterAdminService implements HttpService {

  private final ManageDeadLetters deadLetters;
  private final AdminGuard guard;

  public DeadLetterAdminService(ManageDeadLetters deadLetters, AdminAccess admin) {
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.guard = new AdminGuard(admin);
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/admin/dead-letters", guard.guarded(this::list))
        .post("/admin/dead-letters/redrive", guard.guarded(this::redriveAll))
        .post("/admin/dead-letters/purge", guard.guarded(this::purgeAll))
        .get("/admin/dead-letters/{jobId}", guard.guarded(this::show))
        .post("/admin/dead-letters/{jobId}/redrive", guard.guarded(this::redrive))
        .delete("/admin/dead-letters/{jobId}", guard.guarded(this::purge));
  }

  private void list(ServerRequest req, ServerResponse res) {
    Page<DeadLetter> page =
        deadLetters.list(query(req, "limit").map(ApiContract::parseLimit), query(req, "next"));
    List<Map<String, Object>> items = new ArrayList<>(page.items().size());
    page.items().forEach(d -> items.add(describe(d)));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("deadLetters", items);
    json.put("depth", deadLetters.depth());
    page.next().ifPresent(next -> json.put("next", next));
    Json.send(res, 200, json);
  }

  private void show(ServerRequest req, ServerResponse res) {
    ManageDeadLetters.Detail detail = deadLetters.show(jobId(req));
    Map<String, Object> json = describe(detail.deadLetter());
    detail.job().ifPresent(job -> json.put("job", ApiContract.describe(job)));
    Json.send(res, 200, json);
  }

  private void redrive(ServerRequest req, ServerResponse res) {
    Json.send(res, 200, ApiContract.describe(deadLetters.redrive(jobId(req))));
  }

  private void redriveAll(ServerRequest req, ServerResponse res) {
    ManageDeadLetters.BulkRedrive result = deadLetters.redriveAll();
    List<Map<String, Object>> skipped = new ArrayList<>();
    result
        .skipped()
        .forEach(s -> skipped.add(Map.of("jobId", s.jobId().toString(), "reason", s.reason())));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("redriven", result.redriven());
    json.put("skippedCount", result.skippedCount());
    json.put("skipped", skipped);
    Json.send(res, 200, json);
  }

  private void purge(ServerRequest req, ServerResponse res) {
    JobId id = jobId(req);
    Json.send(res, 200, Map.of("jobId", id.toString(), "purged", deadLetters.purge(id)));
  }

  private void purgeAll(ServerRequest req, ServerResponse res) {
    Json.send(res, 200, Map.of("purged", deadLetters.purgeAll()));
  }

  /** One dead letter as JSON (its body's size, not the body). */
  static Map<String, Object> describe(DeadLetter d) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("jobId", d.jobId().toString());
    json.put("owner", d.message().owner().sub());
    json.put("reason", d.reason());
    json.put("receiveCount", d.receiveCount());
    json.put("deadAt", d.deadAt().toString());
    json.put("sentAt", d.message().sentAt().toString());
    json.put("bodyBytes", d.bodyBytes());
    return json;
  }

  private static JobId jobId(ServerRequest req) {
    return JobId.parse(req.path().pathParameters().get("jobId"));
  }

  private static Optional<String> query(ServerRequest req, String name) {
    return req.query().contains(name)
        ? Optional.of(req.query().get(name)).filter(v -> !v.isEmpty())
        : Optional.empty();
  }
}
