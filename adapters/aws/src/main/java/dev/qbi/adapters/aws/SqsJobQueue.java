package dev.qbi.adapters.aws;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobQueue;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>SDK failures surface as {@link StorageException}; a stale receipt on acknowledge/retry is
 * ignored (the current lease holder decides).
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

  private static final String RECEIVE_COUNT = "ApproximateReceiveCount";
  private static final String SENT_TIMESTAMP = "SentTimestamp";
  private static final int MAX_ERROR_CHARS = 1000;

  private final SqsClient sqs;
  private final String queueUrl;
  private final String deadLetterQueueUrl;

  /**
   * @param queueUrl the job queue
   * @param deadLetterQueueUrl where {@link #deadLetter} moves messages (the queue's redrive target)
   */
  public SqsJobQueue(SqsClient sqs, String queueUrl, String deadLetterQueueUrl) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = requireText(queueUrl, "queueUrl");
    this.deadLetterQueueUrl = requireText(deadLetterQueueUrl, "deadLetterQueueUrl");
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
    String body = utf8(message.body(), message.jobId());
    try {
      String messageId =
          sqs.sendMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .messageBody(body)
                          .messageAttributes(
                              Map.of(
                                  OWNER_ATTRIBUTE, text(message.owner().sub()),
                                  JOB_ID_ATTRIBUTE, text(message.jobId().toString()))))
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
      try {
        deliveries.add(toDelivery(m.messageId(), m.receiptHandle(), m.body(), system, custom));
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
      }
    }
    return deliveries;
  }

  @Override
  public void acknowledge(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    delete(delivery.receipt(), delivery.message().jobId().toString());
  }

  @Override
  public void retryLater(Delivery delivery, Duration delay) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(delay, "delay");
    int seconds = (int) Math.min(MAX_VISIBILITY.toSeconds(), ceilSeconds(delay));
    try {
      sqs.changeMessageVisibility(
          b -> b.queueUrl(queueUrl).receiptHandle(delivery.receipt()).visibilityTimeout(seconds));
      LOG.debug("job {} visible again in {} s", delivery.message().jobId(), seconds);
    } catch (ReceiptHandleIsInvalidException | MessageNotInflightException stale) {
      LOG.info("job {}: lease already lost; retry left to its holder", delivery.message().jobId());
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
  @Override
  public void deadLetter(Delivery delivery, String reason) {
    Objects.requireNonNull(delivery, "delivery");
    JobMessage message = delivery.message();
    Map<String, String> attributes =
        Map.of(
            OWNER_ATTRIBUTE, message.owner().sub(), JOB_ID_ATTRIBUTE, message.jobId().toString());
    moveToDeadLetters(
        utf8(message.body(), message.jobId()),
        attributes,
        delivery.receipt(),
        reason,
        delivery.receiveCount());
    LOG.info("job {} moved to the dead-letter queue", message.jobId());
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

  /**
   * Turns one message of an SQS Lambda event into a {@link Delivery}, from plain values so that
   * this module needs no Lambda event library.
   *
   * @param messageId the SQS {@code messageId}; the job id unless a {@value #JOB_ID_ATTRIBUTE}
   *     attribute is present
   * @param receiptHandle the SQS {@code receiptHandle}
   * @param body the message body (the job request)
   * @param attributes the system attributes ({@code ApproximateReceiveCount}, {@code
   *     SentTimestamp}); a missing receive count counts as 1, a missing timestamp as the epoch
   * @param messageAttributes the string values of the message attributes ({@value #OWNER_ATTRIBUTE}
   *     required, {@value #JOB_ID_ATTRIBUTE} optional)
   * @throws IllegalArgumentException when the message is not a job message
   */
  public static Delivery toDelivery(
      String messageId,
      String receiptHandle,
      String body,
      Map<String, String> attributes,
      Map<String, String> messageAttributes) {
    Map<String, String> system = attributes == null ? Map.of() : attributes;
    Map<String, String> custom = messageAttributes == null ? Map.of() : messageAttributes;
    String owner = custom.get(OWNER_ATTRIBUTE);
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("no '" + OWNER_ATTRIBUTE + "' message attribute");
    }
    if (receiptHandle == null || receiptHandle.isEmpty()) {
      throw new IllegalArgumentException("no receipt handle");
    }
    if (body == null) {
      throw new IllegalArgumentException("no body");
    }
    String idText = custom.getOrDefault(JOB_ID_ATTRIBUTE, messageId);
    JobId jobId;
    try {
      jobId = JobId.parse(idText);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("job id is not a UUID: " + idText, e);
    }
    String count = system.get(RECEIVE_COUNT);
    long receiveCount = count == null ? 1 : parseNumber(count, "receive count");
    if (receiveCount < 1 || receiveCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("receive count out of range: " + count);
    }
    String sent = system.get(SENT_TIMESTAMP);
    Instant sentAt =
        sent == null ? Instant.EPOCH : Instant.ofEpochMilli(parseNumber(sent, "sent timestamp"));
    JobMessage message =
        new JobMessage(jobId, new Owner(owner), body.getBytes(StandardCharsets.UTF_8), sentAt);
    return new Delivery(message, receiptHandle, (int) receiveCount);
  }

  private void moveToDeadLetters(
      String body,
      Map<String, String> attributes,
      String receiptHandle,
      String reason,
      int receiveCount) {
    Map<String, MessageAttributeValue> copy = new HashMap<>();
    attributes.forEach(
        (k, v) -> {
          if (v != null && !v.isEmpty()) {
            copy.put(k, text(v));
          }
        });
    copy.put(ERROR_ATTRIBUTE, text(bounded(reason)));
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
    delete(receiptHandle, attributes.getOrDefault(JOB_ID_ATTRIBUTE, "?"));
  }

  private void delete(String receiptHandle, String jobId) {
    try {
      sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
      LOG.debug("job {} message deleted", jobId);
    } catch (ReceiptHandleIsInvalidException stale) {
      LOG.info("job {}: stale receipt on delete ignored", jobId);
    } catch (SqsException e) {
      if (isStaleReceipt(e)) {
        LOG.info("job {}: stale receipt on delete ignored", jobId);
        return;
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

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private static String bounded(String reason) {
    String r = reason == null || reason.isBlank() ? "unknown" : reason;
    return r.length() <= MAX_ERROR_CHARS ? r : r.substring(0, MAX_ERROR_CHARS) + "…";
  }

  private static String utf8(byte[] body, JobId id) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "job " + id + ": an SQS message body must be UTF-8 text", e);
    }
  }

  private static long ceilSeconds(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return 0;
    }
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }

  private static long parseNumber(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number: " + text, e);
    }
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
