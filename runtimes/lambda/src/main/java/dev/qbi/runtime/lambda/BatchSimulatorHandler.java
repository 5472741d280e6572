package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.S3PayloadStore;
import dev.qbi.adapters.aws.SimulatorProtocol;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import dev.qbi.core.simulator.WeatherSimulator;
import dev.qbi.core.usecase.InProcessJobExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * The batch-simulator function, invoked synchronously by the job processor with a {@link
 * SimulatorProtocol.Request}: runs the business logic ({@link WeatherSimulator} by default), writes
 * the output to {@code s3://PAYLOAD_BUCKET/jobs/<jobId>.json} (a key derived from the job id, so a
 * rerun rewrites the same object) and answers like the original: {@code {"jobStatus": "complete",
 * "jobPayloadLocation": "s3://bucket/key", "jobPayloadKey": key, "jobRequestId": id}}. A failure is
 * thrown, so the caller sees a function error and retries.
 *
 * <p>A stream handler: the JSON is read and written with the same codec as the invoking side.
 */
public final class BatchSimulatorHandler implements RequestStreamHandler {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of(
          "PAYLOAD_BUCKET",
          "POWERTOOLS_SERVICE_NAME",
          "POWERTOOLS_METRICS_NAMESPACE",
          "POWERTOOLS_LOG_LEVEL");

  static final String SIMULATED = "BatchesSimulated";

  private static final Logger LOG = LoggerFactory.getLogger(BatchSimulatorHandler.class);

  private final JobExecutor executor;
  private final String bucket;
  private final Metrics metrics;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public BatchSimulatorHandler() {
    this(Env.system(ENV), AwsWiring.clients(), MetricsFactory.getMetricsInstance());
  }

  BatchSimulatorHandler(Env env, AwsClients aws, Metrics metrics) {
    this(AwsWiring.payloads(env, aws), metrics);
  }

  BatchSimulatorHandler(S3PayloadStore payloads, Metrics metrics) {
    this(new InProcessJobExecutor(new WeatherSimulator(), payloads), payloads.bucket(), metrics);
  }

  BatchSimulatorHandler(JobExecutor executor, String bucket, Metrics metrics) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.metrics = metrics;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    SimulatorProtocol.Request request = SimulatorProtocol.readRequest(input);
    String requestId =
        context != null && context.getAwsRequestId() != null
            ? context.getAwsRequestId()
            : UUID.randomUUID().toString();
    SimulatorProtocol.Response response =
        Observability.withLogging(context, () -> simulate(request, requestId));
    SimulatorProtocol.write(response, output);
  }

  SimulatorProtocol.Response simulate(SimulatorProtocol.Request request, String requestId) {
    JobHandler.Request job = request.toJobRequest();
    String key;
    try {
      key = executor.execute(job);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new SimulationFailedException(job, e);
    }
    LOG.info("job {}: output written to {}", job.jobId(), key);
    if (metrics != null) {
      metrics.addMetric(SIMULATED, 1, MetricUnit.COUNT);
      metrics.flush();
    }
    return new SimulatorProtocol.Response(
        SimulatorProtocol.COMPLETE, "s3://" + bucket + "/" + key, key, requestId);
  }

  /** The business logic failed with a checked exception; its type and message are kept. */
  static final class SimulationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SimulationFailedException(JobHandler.Request job, Exception cause) {
      super(
          "job " + job.jobId() + ": " + cause.getClass().getName() + ": " + cause.getMessage(),
          cause);
    }
  }
}
