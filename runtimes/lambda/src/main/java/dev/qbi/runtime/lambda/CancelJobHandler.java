package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.usecase.CancelJob;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * {@code DELETE /jobs/{jobId}} (HTTP API, payload 2.0), docs/openapi.yaml: core's {@link CancelJob}
 * over the DynamoDB job table, answered as the local server does: 200 with the job after the
 * request ({@code cancelled}, or {@code processing} with {@code cancelRequestedAt}), 404 for an
 * unknown job and for another user's, 409 for a job that is already complete, failed or cancelled,
 * 400 for an id that is not a UUID. The caller is the {@code owner} the authorizer put in the
 * request context.
 *
 * <p>A job whose message the processor has not picked up yet has no row on AWS, so it is a 404 like
 * its status. A {@code processing} job cannot be stopped in the middle of the simulator's
 * synchronous Invoke: the request is recorded on the job, and the processor ({@code ProcessJob})
 * turns it into {@code cancelled} when it next handles the job, once that call has returned.
 */
public final class CancelJobHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of(
          "JOB_TABLE_NAME",
          "JOB_RETENTION_DAYS",
          "POWERTOOLS_SERVICE_NAME",
          "POWERTOOLS_LOG_LEVEL");

  private static final String ROUTE = "DELETE /jobs";
  private static final String PREFIX = "/jobs/";

  private final CancelJob cancel;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public CancelJobHandler() {
    this(Env.system(ENV), AwsWiring.clients());
  }

  /** Writes with the stack's retention: every write of a job item sets its TTL. */
  CancelJobHandler(Env env, AwsClients aws) {
    this(new CancelJob(AwsWiring.jobTableWithRetention(env, aws), Clock.systemUTC()));
  }

  CancelJobHandler(CancelJob cancel) {
    this.cancel = Objects.requireNonNull(cancel, "cancel");
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.withLogging(
        context, Observability.REQUEST_ID_PATH, event, () -> cancel(event));
  }

  APIGatewayV2HTTPResponse cancel(APIGatewayV2HTTPEvent event) {
    try {
      Owner caller = HttpJson.owner(event);
      JobId id = JobId.parse(HttpJson.jobIdText(event, PREFIX));
      return HttpJson.response(200, ApiContract.describe(cancel.cancel(caller, id)));
    } catch (RuntimeException e) {
      return ApiErrors.toResponse(ROUTE, e);
    }
  }
}
