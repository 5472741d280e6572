package dev.qbi.adapters.aws;

import static dev.qbi.adapters.aws.SqsJobQueue.JOB_ID_ATTRIBUTE;
import static dev.qbi.adapters.aws.SqsJobQueue.OWNER_ATTRIBUTE;

import dev.qbi.core.job.Delivery;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The job message format on SQS, both ways: a received message (of the SDK or of a Lambda event) as
 * a {@link Delivery}, and the text values this adapter writes.
 */
public final class SqsMessages {

  private static final String RECEIVE_COUNT = "ApproximateReceiveCount";
  private static final String SENT_TIMESTAMP = "SentTimestamp";
  private static final int MAX_ERROR_CHARS = 1000;

  private SqsMessages() {}

  /**
   * Turns one message of an SQS Lambda event into a {@link Delivery}, from plain values so that
   * this module needs no Lambda event library.
   *
   * @param messageId the SQS {@code messageId}; the job id unless a {@value
   *     SqsJobQueue#JOB_ID_ATTRIBUTE} attribute is present
   * @param receiptHandle the SQS {@code receiptHandle}
   * @param body the message body (the job request)
   * @param attributes the system attributes ({@code ApproximateReceiveCount}, {@code
   *     SentTimestamp}); a missing receive count counts as 1, a missing timestamp as the epoch
   * @param messageAttributes the string values of the message attributes ({@value
   *     SqsJobQueue#OWNER_ATTRIBUTE} required, {@value SqsJobQueue#JOB_ID_ATTRIBUTE} optional)
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

  /**
   * Whether a message is one of this adapter's dead-letter copies ({@value
   * SqsJobQueue#ERROR_ATTRIBUTE} attribute) received from the job queue again: moved back from the
   * dead-letter queue ({@code StartMessageMoveTask} keeps the attributes), i.e. a redrive.
   *
   * @param messageAttributes the string values of the message attributes
   */
  public static boolean isRedrive(Map<String, String> messageAttributes) {
    return messageAttributes != null && messageAttributes.containsKey(SqsJobQueue.ERROR_ATTRIBUTE);
  }

  static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  static String bounded(String reason) {
    String r = reason == null || reason.isBlank() ? "unknown" : reason;
    return r.length() <= MAX_ERROR_CHARS ? r : r.substring(0, MAX_ERROR_CHARS) + "…";
  }

  static String utf8(byte[] body, JobId id) {
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

  static long parseNumber(String text, String what) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number: " + text, e);
    }
  }
}
