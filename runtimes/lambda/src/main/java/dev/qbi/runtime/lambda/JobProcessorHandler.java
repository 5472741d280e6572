package dev.qbi.runtime.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.LambdaInvokeJobExecutor;
import dev.qbi.adapters.aws.SqsJobQueue;
import dev.qbi.adapters.aws.SqsMessages;
import dev.qbi.core.Defaults;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobInbox;
import dev.qbi.core.port.JobTable;
import dev.qbi.core.usecase.ProcessJob;
import dev.qbi.core.usecase.ProcessJob.RetryPolicy;
import dev.qbi.core.usecase.RedriveOnDelivery;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The job processor: an SQS event (batch of up to 10) in, an {@link SQSBatchResponse} out, with
 * {@code ReportBatchItemFailures}. Each message is one {@link Delivery} (owner from the {@code
 * owner} message attribute, job id = the SQS {@code messageId}, receive count from {@code
 * ApproximateReceiveCount}) handed to {@link ProcessJob} over the DynamoDB job table, with the
 * batch-simulator function (synchronous invoke, {@link
 * dev.qbi.adapters.aws.LambdaInvokeJobExecutor}) as the executor.
 *
 * <p>Per message: completed, already done (a redelivery of a finished job: the simulator is not run
 * again) or dead-lettered on its last attempt (the job is {@code failed}, the message copied to
 * {@code JOB_DLQ_URL}) → success, Lambda deletes it; a failed attempt to be retried, a delivery
 * that lost its job to another, or anything that throws → its id in {@code batchItemFailures}, SQS
 * delivers it again. {@link ProcessJob} only decides; {@link #settle} applies the decision.
 *
 * <p><b>Redrive.</b> A message that carries the {@code error} attribute of the processor's own
 * dead-letter copies has been moved back from the dead-letter queue ({@code aws sqs
 * start-message-move-task}): {@link RedriveOnDelivery} runs its {@code failed} job again as a new
 * series of attempts, counted from the redrive, before {@link ProcessJob} processes it.
 *
 * <p><b>Deadline.</b> The batch is handled one message after another, each possibly as long as the
 * simulator's timeout. A message is started only while the invocation has the time {@link
 * ProcessorDeadline} asks for; the messages not started are reported in {@code batchItemFailures}
 * without touching their jobs, and handed back to the queue at once (visibility 0), so another
 * invocation takes them. The simulator's Invoke waits at most {@link
 * ProcessorDeadline#invokeTimeout()}.
 */
public final class JobProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

  /** The environment variables this handler reads (see {@code lambda-env.json}). */
  public static final List<String> ENV =
      List.of(
          "JOB_TABLE_NAME",
          "JOB_QUEUE_URL",
          "JOB_DLQ_URL",
          "SIMULATOR_FUNCTION_NAME",
          "MAX_RECEIVE_COUNT",
          "JOB_RETENTION_DAYS",
          "SIMULATOR_TIMEOUT_SECONDS",
          "DEADLINE_MARGIN_SECONDS",
          "POWERTOOLS_SERVICE_NAME",
          "POWERTOOLS_METRICS_NAMESPACE",
          "POWERTOOLS_LOG_LEVEL");

  /** Deliveries before a job fails, when {@code MAX_RECEIVE_COUNT} is not set. */
  public static final int DEFAULT_MAX_RECEIVE_COUNT = Defaults.MAX_RECEIVE_COUNT;

  private static final Logger LOG = LoggerFactory.getLogger(JobProcessorHandler.class);

  private final JobTable table;
  private final JobInbox queue;
  private final JobExecutor executor;
  private final Clock clock;
  private final RetryPolicy retry;
  private final JobMetrics metrics;
  private final ProcessorDeadline deadline;

  /** The Lambda runtime's entry: configuration from the environment, built once per container. */
  public JobProcessorHandler() {
    this(Env.system(ENV), AwsWiring.clients(), new PowertoolsJobMetrics());
  }

  JobProcessorHandler(Env env, AwsClients aws, JobMetrics metrics) {
    this(env, aws, metrics, ProcessorDeadline.from(env));
  }

  private JobProcessorHandler(
      Env env, AwsClients aws, JobMetrics metrics, ProcessorDeadline deadline) {
    this(
        AwsWiring.jobTableWithRetention(env, aws),
        new SqsJobQueue(aws.sqs(), env.required("JOB_QUEUE_URL"), env.required("JOB_DLQ_URL")),
        LambdaInvokeJobExecutor.create(
            aws.region(),
            env.required("SIMULATOR_FUNCTION_NAME"),
            deadline.invokeTimeout(),
            XRaySubsegments.fromRuntime()),
        Clock.systemUTC(),
        retryPolicy(env),
        metrics,
        deadline);
  }

  JobProcessorHandler(
      JobTable table,
      JobInbox queue,
      JobExecutor executor,
      Clock clock,
      RetryPolicy retry,
      JobMetrics metrics,
      ProcessorDeadline deadline) {
    this.table = Objects.requireNonNull(table, "table");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  static RetryPolicy retryPolicy(Env env) {
    long max = env.number("MAX_RECEIVE_COUNT", DEFAULT_MAX_RECEIVE_COUNT);
    if (max < 1 || max > 1000) {
      throw new IllegalStateException("MAX_RECEIVE_COUNT must be in 1..1000, was " + max);
    }
    return RetryPolicy.withMaxReceiveCount((int) max);
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    LongSupplier remaining =
        context == null ? () -> Long.MAX_VALUE : () -> context.getRemainingTimeInMillis();
    return Observability.withLogging(context, () -> process(event, remaining));
  }

  /**
   * @param remainingMillis the time the invocation has left, asked before each message
   */
  SQSBatchResponse process(SQSEvent event, LongSupplier remainingMillis) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    List<SQSEvent.SQSMessage> records =
        event == null || event.getRecords() == null ? List.of() : event.getRecords();
    try {
      for (int i = 0; i < records.size(); i++) {
        SQSEvent.SQSMessage message = records.get(i);
        long left = remainingMillis.getAsLong();
        if (!deadline.allowsStart(left)) {
          List<SQSEvent.SQSMessage> rest = records.subList(i, records.size());
          LOG.warn(
              "{} ms left, {} needed to start a job: {} message(s) handed back unstarted",
              left,
              deadline.needed().toMillis(),
              rest.size());
          rest.forEach(
              unstarted -> {
                failures.add(failure(unstarted));
                handBack(unstarted);
              });
          metrics.deferred(rest.size());
          break;
        }
        if (!processOne(message)) {
          failures.add(failure(message));
        }
      }
    } finally {
      metrics.flush();
    }
    LOG.info("batch of {} message(s): {} to be retried", records.size(), failures.size());
    return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
  }

  private static SQSBatchResponse.BatchItemFailure failure(SQSEvent.SQSMessage message) {
    return SQSBatchResponse.BatchItemFailure.builder()
        .withItemIdentifier(message.getMessageId())
        .build();
  }

  /**
   * Makes an unstarted message visible again at once (a lease of zero), so that it does not wait
   * out the queue's whole visibility timeout; best effort, it comes back after that timeout anyway.
   */
  private void handBack(SQSEvent.SQSMessage message) {
    try {
      queue.extendLease(delivery(message), Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.info("message {} not handed back early: {}", message.getMessageId(), e.toString());
    }
  }

  /**
   * @return true when the message is done with (Lambda may delete it)
   */
  private boolean processOne(SQSEvent.SQSMessage message) {
    MDC.put("messageId", String.valueOf(message.getMessageId()));
    try {
      Delivery delivery = delivery(message);
      MDC.put("jobId", delivery.message().jobId().toString());
      if (SqsMessages.isRedrive(messageAttributes(message))) {
        delivery = new RedriveOnDelivery(table, clock).apply(delivery);
      }
      Decision decision = new ProcessJob(table, executor, clock, retry).process(delivery);
      metrics.record(decision);
      boolean done = settle(delivery, decision);
      LOG.info("job {}: {}", delivery.message().jobId(), decision.label());
      return done;
    } catch (RuntimeException e) {
      metrics.record(null);
      LOG.error("message {} could not be processed", message.getMessageId(), e);
      return false;
    } finally {
      MDC.remove("jobId");
      MDC.remove("messageId");
    }
  }

  /**
   * Settles a decision the Lambda way: the event source mapping deletes every message not reported
   * in {@code batchItemFailures}, so a finished message needs no queue call; a dead letter is
   * copied to the DLQ with its reason (and deleted) here; a retry is reported as a failure, with
   * the message's visibility shortened to the backoff when possible; a contended delivery is
   * reported as a failure and comes back after its visibility timeout.
   *
   * @return true when the message is done with (Lambda may delete it)
   */
  private boolean settle(Delivery delivery, Decision decision) {
    if (decision instanceof Decision.DeadLetter) {
      queue.settle(delivery, decision);
    } else if (decision instanceof Decision.RetryAfter) {
      try {
        queue.settle(delivery, decision);
      } catch (RuntimeException e) {
        // reported as a failure anyway: it comes back after the visibility timeout
        LOG.warn(
            "job {}: could not shorten the visibility for the backoff: {}",
            delivery.message().jobId(),
            e.toString());
      }
    }
    return decision.finishesMessage();
  }

  /** The core's view of one SQS record of the event. */
  static Delivery delivery(SQSEvent.SQSMessage message) {
    return SqsMessages.toDelivery(
        message.getMessageId(),
        message.getReceiptHandle(),
        message.getBody(),
        message.getAttributes(),
        messageAttributes(message));
  }

  /** The string values of a record's message attributes. */
  private static Map<String, String> messageAttributes(SQSEvent.SQSMessage message) {
    Map<String, String> custom = new HashMap<>();
    if (message.getMessageAttributes() != null) {
      message
          .getMessageAttributes()
          .forEach(
              (name, value) -> {
                if (value != null && value.getStringValue() != null) {
                  custom.put(name, value.getStringValue());
                }
              });
    }
    return custom;
  }
}
