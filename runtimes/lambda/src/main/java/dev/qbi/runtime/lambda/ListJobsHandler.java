package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.Owner;
import dev.qbi.core.job.Page;
import dev.qbi.core.usecase.ListJobs;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /jobs} (HTTP API, payload 2.0): the caller's own jobs, newest first, as on the local
 * server: query parameters {@code status}, {@code limit} (1..100, default 25) and {@code next} (the
 * cursor of the previous page); body {@code {"jobs": [...], "next": "..."}} ({@code next} only when
 * there are more).
 */
public final class ListJobsHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of("JOB_TABLE_NAME", "POWERTOOLS_SERVICE_NAME", "POWERTOOLS_LOG_LEVEL");

  private static final String ROUTE = "GET /jobs";

  private final ListJobs listJobs;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public ListJobsHandler() {
    this(Env.system(ENV), AwsWiring.clients());
  }

  ListJobsHandler(Env env, AwsClients aws) {
    this(new ListJobs(AwsWiring.jobTable(env, aws)));
  }

  ListJobsHandler(ListJobs listJobs) {
    this.listJobs = Objects.requireNonNull(listJobs, "listJobs");
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.withLogging(
        context, Observability.REQUEST_ID_PATH, event, () -> list(event));
  }

  APIGatewayV2HTTPResponse list(APIGatewayV2HTTPEvent event) {
    try {
      Owner caller = HttpJson.owner(event);
      Page<Job> page =
          listJobs.list(
              caller,
              HttpJson.query(event, "status"),
              HttpJson.query(event, "limit").map(ApiContract::parseLimit),
              HttpJson.query(event, "next"));
      return HttpJson.response(200, ApiContract.page(page));
    } catch (RuntimeException e) {
      return ApiErrors.toResponse(ROUTE, e);
    }
  }
}
