package dev.qbi.adapters.aws;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Decision;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.port.JobQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageNotInflightException;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@link JobQueue} on Amazon SQS (standard queue).
 *
 * <p><b>Message format.</b> The body is the job request exactly as the client sent it (UTF-8 text,
 * as API Gateway's direct {@code SendMessage} integration sends it). String message attributes:
 * {@value #OWNER_ATTRIBUTE} (the submitter's {@code sub}, always) and {@value #JOB_ID_ATTRIBUTE}.
 *
 * <p><b>Job id.</b> SQS assigns its own {@code MessageId}. When the API Gateway integration sends
 * the message, that {@code MessageId} is what the client is told, so it <em>is</em> the job id.
 * When this adapter sends (the server's AWS backend), the id was chosen before sending and travels
 * in the {@value #JOB_ID_ATTRIBUTE} attribute. Hence on receive: job id = the {@value
 * #JOB_ID_ATTRIBUTE} attribute if present, else the SQS {@code MessageId}.
 *
 * <p>Receipts are SQS receipt handles; the receive count is {@code ApproximateReceiveCount}. A
 * message that cannot be turned into a job (no owner, bad id) is moved to the dead-letter queue
 * when it is received and never handed to a worker.
 *
 * <p>SDK failures surface as {@link StorageException}; a stale receipt on settle or extend changes
 * nothing and answers false (the current lease holder decides).
 */
public final class SqsJobQueue implements JobQueue {

  private static final Logger LOG = LoggerFactory.getLogger(SqsJobQueue.class);

  /** Message attribute holding the job owner's {@code sub}. */
  public static final String OWNER_ATTRIBUTE = "owner";

  /** Message attribute holding the job id when this adapter sent the message. */
  public static final String JOB_ID_ATTRIBUTE = "jobId";

  /** Message attribute of a dead-lettered copy: why it was dead-lettered. */
  public static final String ERROR_ATTRIBUTE = "error";

  /** Message attribute of a dead-lettered copy: deliveries before it was dead-lettered. */
  public static final String RECEIVE_COUNT_ATTRIBUTE = "receiveCount";

  /** SQS returns at most 10 messages per receive. */
  public static final int MAX_MESSAGES_PER_RECEIVE = 10;

  /** SQS long-polls at most 20 seconds. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(20);

  /** SQS's longest visibility timeout (12 hours). */
  public static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  private final SqsClient sqs;
  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final UnaryOperator<Delivery> redrives;

  /**
   * @param queueUrl the job queue
   * @param deadLetterQueueUrl where a {@link Decision.DeadLetter} moves messages (the queue's
   *     redrive target)
   */
  public SqsJobQueue(SqsClient sqs, String queueUrl, String deadLetterQueueUrl) {
    this(sqs, queueUrl, deadLetterQueueUrl, UnaryOperator.identity());
  }

  /**
   * @param redrives applied by {@link #receive} to each delivery of a message moved back from the
   *     dead-letter queue as it was (it carries the {@value #ERROR_ATTRIBUTE} attribute: SQS's
   *     {@code StartMessageMoveTask}), before the delivery is handed out; a worker runtime passes
   *     core's {@code RedriveOnDelivery::apply}, as the Lambda processor does
   */
  public SqsJobQueue(
      SqsClient sqs, String queueUrl, String deadLetterQueueUrl, UnaryOperator<Delivery> redrives) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = requireText(queueUrl, "queueUrl");
    this.deadLetterQueueUrl = requireText(deadLetterQueueUrl, "deadLetterQueueUrl");
    this.redrives = Objects.requireNonNull(redrives, "redrives");
  }

  public String queueUrl() {
    return queueUrl;
  }

  public String deadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  @Override
  public void send(JobMessage message) {
    Objects.requireNonNull(message, "message");
    String body = SqsMessages.utf8(message.body(), message.jobId());
    try {
      String messageId =
          sqs.sendMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .messageBody(body)
                          .messageAttributes(
                              Map.of(
                                  OWNER_ATTRIBUTE, SqsMessages.text(message.owner().sub()),
                                  JOB_ID_ATTRIBUTE, SqsMessages.text(message.jobId().toString()))))
              .messageId();
      LOG.debug("queued job {} as SQS message {}", message.jobId(), messageId);
    } catch (SdkException e) {
      throw new StorageException("SQS SendMessage failed for job " + message.jobId(), e);
    }
  }

  @Override
  public List<Delivery> receive(int max, Duration visibility, Duration wait)
      throws InterruptedException {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1");
    }
    Objects.requireNonNull(visibility, "visibility");
    Objects.requireNonNull(wait, "wait");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    int waitSeconds = (int) Math.min(MAX_WAIT.toSeconds(), ceilSeconds(wait));
    int visibilitySeconds = (int) Math.min(MAX_VISIBILITY.toSeconds(), ceilSeconds(visibility));
    List<Message> messages;
    try {
      messages =
          sqs.receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(Math.min(max, MAX_MESSAGES_PER_RECEIVE))
                          .waitTimeSeconds(waitSeconds)
                          .visibilityTimeout(visibilitySeconds)
                          .messageAttributeNames("All")
                          .messageSystemAttributeNames(
                              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                              MessageSystemAttributeName.SENT_TIMESTAMP))
              .messages();
    } catch (AbortedException e) {
      throw interrupted(e);
    } catch (SdkException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw interrupted(e);
      }
      throw new StorageException("SQS ReceiveMessage failed on " + queueUrl, e);
    }
    List<Delivery> deliveries = new ArrayList<>(messages.size());
    for (Message m : messages) {
      Map<String, String> system = new HashMap<>();
      m.attributes().forEach((k, v) -> system.put(k.toString(), v));
      Map<String, String> custom = new HashMap<>();
      m.messageAttributes().forEach((k, v) -> custom.put(k, v.stringValue()));
      Delivery delivery;
      try {
        delivery =
            SqsMessages.toDelivery(m.messageId(), m.receiptHandle(), m.body(), system, custom);
      } catch (IllegalArgumentException malformed) {
        LOG.warn(
            "SQS message {} is not a job message ({}); moving it to the dead-letter queue",
            m.messageId(),
            malformed.getMessage());
        try {
          moveToDeadLetters(m.body(), custom, m.receiptHandle(), malformed.getMessage(), 0);
        } catch (StorageException e) {
          // it comes back after its visibility timeout; the redrive policy has the last word
          LOG.warn("SQS message {} could not be dead-lettered: {}", m.messageId(), e.getMessage());
        }
        continue;
      }
      try {
        deliveries.add(SqsMessages.isRedrive(custom) ? redrives.apply(delivery) : delivery);
      } catch (RuntimeException e) {
        // its lease runs out and it comes back: judged again then
        LOG.warn("redriven SQS message {} not handed out: {}", m.messageId(), e.toString());
      }
    }
    return deliveries;
  }

  @Override
  public boolean settle(Delivery delivery, Decision decision) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(decision, "decision");
    String jobId = delivery.message().jobId().toString();
    return switch (decision) {
      case Decision.Completed c -> delete(delivery.receipt(), jobId);
      case Decision.AlreadyDone a -> delete(delivery.receipt(), jobId);
      case Decision.Cancelled c -> delete(delivery.receipt(), jobId);
      case Decision.RetryAfter r -> changeVisibility(delivery, r.delay());
      case Decision.DeadLetter d -> deadLetter(delivery, d.error());
      case Decision.Contended c -> true;
    };
  }

  /** {@code ChangeMessageVisibility} from now; SQS caps a message's total lease at 12 hours. */
  @Override
  public boolean extendLease(Delivery delivery, Duration visibility) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(visibility, "visibility");
    return changeVisibility(delivery, visibility);
  }

  private boolean changeVisibility(Delivery delivery, Duration delay) {
    int seconds = (int) Math.min(MAX_VISIBILITY.toSeconds(), ceilSeconds(delay));
    try {
      sqs.changeMessageVisibility(
          b -> b.queueUrl(queueUrl).receiptHandle(delivery.receipt()).visibilityTimeout(seconds));
      LOG.debug("job {} invisible for {} s", delivery.message().jobId(), seconds);
      return true;
    } catch (ReceiptHandleIsInvalidException | MessageNotInflightException stale) {
      LOG.info("job {}: lease already lost; left to its holder", delivery.message().jobId());
      return false;
    } catch (SqsException e) {
      if (isStaleReceipt(e)) {
        LOG.info("job {}: lease already lost; left to its holder", delivery.message().jobId());
        return false;
      }
      throw new StorageException(
          "SQS ChangeMessageVisibility failed for job " + delivery.message().jobId(), e);
    } catch (SdkException e) {
      throw new StorageException(
          "SQS ChangeMessageVisibility failed for job " + delivery.message().jobId(), e);
    }
  }

  /**
   * Sends a copy (body and attributes, plus {@value #ERROR_ATTRIBUTE} and {@value
   * #RECEIVE_COUNT_ATTRIBUTE}) to the dead-letter queue, then deletes the original. On AWS the
   * redrive policy would move it after {@code maxReceiveCount} anyway; doing it here means the job
   * is failed and out of the queue at once, with the reason attached.
   */
  private boolean deadLetter(Delivery delivery, String reason) {
    Objects.requireNonNull(delivery, "delivery");
    JobMessage message = delivery.message();
    Map<String, String> attributes =
        Map.of(
            OWNER_ATTRIBUTE, message.owner().sub(), JOB_ID_ATTRIBUTE, message.jobId().toString());
    boolean moved =
        moveToDeadLetters(
            SqsMessages.utf8(message.body(), message.jobId()),
            attributes,
            delivery.receipt(),
            reason,
            delivery.receiveCount());
    LOG.info("job {} moved to the dead-letter queue", message.jobId());
    return moved;
  }

  @Override
  public long depth() {
    try {
      GetQueueAttributesResponse r =
          sqs.getQueueAttributes(
              b ->
                  b.queueUrl(queueUrl)
                      .attributeNames(
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
      long total = 0;
      for (String v : r.attributesAsStrings().values()) {
        total += Long.parseLong(v);
      }
      return total;
    } catch (SdkException | NumberFormatException e) {
      throw new StorageException("SQS GetQueueAttributes failed on " + queueUrl, e);
    }
  }

  private boolean moveToDeadLetters(
      String body,
      Map<String, String> attributes,
      String receiptHandle,
      String reason,
      int receiveCount) {
    Map<String, MessageAttributeValue> copy = new HashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            copy.put(k, SqsMessages.text(v));
          }
        });
    copy.put(ERROR_ATTRIBUTE, SqsMessages.text(SqsMessages.bounded(reason)));
    if (receiveCount > 0) {
      copy.put(
          RECEIVE_COUNT_ATTRIBUTE,
          MessageAttributeValue.builder()
              .dataType("Number")
              .stringValue(Integer.toString(receiveCount))
              .build());
    }
    try {
      sqs.sendMessage(
          b -> b.queueUrl(deadLetterQueueUrl).messageBody(body).messageAttributes(copy));
    } catch (SdkException e) {
      throw new StorageException("SQS SendMessage to the dead-letter queue failed", e);
    }
    return delete(receiptHandle, attributes.getOrDefault(JOB_ID_ATTRIBUTE, "?"));
  }

  private boolean delete(String receiptHandle, String jobId) {
    try {
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
      LOG.debug("job {} message deleted", jobId);
      return true;
    } catch (ReceiptHandleIsInvalidException stale) {
      LOG.info("job {}: stale receipt on delete ignored", jobId);
      return false;
    } catch (SqsException e) {
      if (isStaleReceipt(e)) {
        LOG.info("job {}: stale receipt on delete ignored", jobId);
        return false;
      }
      throw new StorageException("SQS DeleteMessage failed for job " + jobId, e);
    } catch (SdkException e) {
      throw new StorageException("SQS DeleteMessage failed for job " + jobId, e);
    }
  }

  private static boolean isStaleReceipt(SqsException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return code != null && code.contains("ReceiptHandleIsInvalid");
  }

  private static long ceilSeconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  private static InterruptedException interrupted(Exception cause) {
    Thread.interrupted(); // the exception carries the interrupt from here on
    InterruptedException e = new InterruptedException("SQS receive interrupted");
    e.initCause(cause);
    return e;
  }

  private static String requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
    return s;
  }
}
