package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.core.Defaults;
import dev.qbi.core.api.ApiContract;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.usecase.JobStatusQuery;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /job-status/{jobId}} (HTTP API, payload 2.0), docs/openapi.yaml: 200 with {@code
 * jobStatus}, {@code jobId}, {@code jobRequestId} (+ times, attempts, error) and, once complete,
 * the pre-signed S3 link under both {@code jobProcessedPayload} and {@code
 * jobProcessedPayloadLink}; 404 {@code {"Error Message": "No Job data found for Job Id : <id>"}}
 * for an unknown job and for another user's; 400 for an id that is not a UUID. The caller is the
 * {@code owner} the authorizer put in the request context.
 */
public final class JobStatusHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of(
          "JOB_TABLE_NAME",
          "PAYLOAD_BUCKET",
          "LINK_TTL_SECONDS",
          "POWERTOOLS_SERVICE_NAME",
          "POWERTOOLS_LOG_LEVEL");

  /** How long a download link works when {@code LINK_TTL_SECONDS} is not set. */
  public static final long DEFAULT_LINK_TTL_SECONDS = Defaults.LINK_TTL.toSeconds();

  private static final String ROUTE = "GET /job-status";
  private static final String PREFIX = "/job-status/";

  private final JobStatusQuery query;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public JobStatusHandler() {
    this(Env.system(ENV), AwsWiring.clients());
  }

  JobStatusHandler(Env env, AwsClients aws) {
    this(
        new JobStatusQuery(
            AwsWiring.jobTable(env, aws), AwsWiring.payloads(env, aws), linkTtl(env)));
  }

  JobStatusHandler(JobStatusQuery query) {
    this.query = Objects.requireNonNull(query, "query");
  }

  static Duration linkTtl(Env env) {
    long seconds = env.number("LINK_TTL_SECONDS", DEFAULT_LINK_TTL_SECONDS);
    if (seconds < 1 || seconds > Duration.ofDays(7).toSeconds()) {
      throw new IllegalStateException("LINK_TTL_SECONDS must be in 1..604800, was " + seconds);
    }
    return Duration.ofSeconds(seconds);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return Observability.withLogging(
        context, Observability.REQUEST_ID_PATH, event, () -> status(event));
  }

  APIGatewayV2HTTPResponse status(APIGatewayV2HTTPEvent event) {
    try {
      Owner caller = HttpJson.owner(event);
      JobId id = JobId.parse(jobIdText(event));
      return HttpJson.response(200, ApiContract.status(query.status(caller, id)));
    } catch (RuntimeException e) {
      return ApiErrors.toResponse(ROUTE, e);
    }
  }

  /** The job id of the request ({@link HttpJson#jobIdText}). */
  static String jobIdText(APIGatewayV2HTTPEvent event) {
    return HttpJson.jobIdText(event, PREFIX);
  }
}
