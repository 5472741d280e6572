package dev.qbi.core.usecase;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.qbi.core.error.InvalidRequestException;
import dev.qbi.core.error.PayloadTooLargeException;
import dev.qbi.core.job.Job;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.JobMessage;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobIntake;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Accepts a job request: validates the body, records the job and queues it durably. */
public final class SubmitJob {

  private static final JsonFactory JSON = new JsonFactory();

  private final JobIntake intake;
  private final Clock clock;
  private final int maxBodyBytes;

  public SubmitJob(JobIntake intake, Clock clock, int maxBodyBytes) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
    this.maxBodyBytes = maxBodyBytes;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * @return the receipt the API answers with; returned only once the job is durably stored
   * @throws InvalidRequestException for an empty body or one that is not a JSON document
   * @throws PayloadTooLargeException for a body over the limit
   */
  public Receipt submit(Owner owner, byte[] body) {
    Objects.requireNonNull(owner, "owner");
    if (body == null || body.length == 0) {
      throw new InvalidRequestException("Request body is empty: send the job's JSON payload");
    }
    if (body.length > maxBodyBytes) {
      throw new PayloadTooLargeException(
          "Request body is " + body.length + " bytes; the limit is " + maxBodyBytes);
    }
    requireJson(body);
    Instant now = clock.instant();
    JobId id = JobId.random();
    String md5 = md5Hex(body);
    intake.accept(Job.submitted(id, owner, md5, now), new JobMessage(id, owner, body, now));
    return new Receipt(id, md5, requestId().toString());
  }

  /** Checks the body is exactly one well-formed JSON value. */
  static void requireJson(byte[] body) {
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() == null) {
        throw new InvalidRequestException("Request body is not valid JSON: it is blank");
      }
      parser.skipChildren();
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        parser.skipChildren();
        if (token != null) {
          throw new InvalidRequestException(
              "Request body is not valid JSON: unexpected content after the document");
        }
      }
    } catch (IOException e) {
      throw new InvalidRequestException(
          "Request body is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "parse error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  public static String md5Hex(byte[] body) {
    MessageDigest md5;
    try {
      // a copy of a ready instance: no provider look-up per submit
      md5 = (MessageDigest) MD5.clone();
    } catch (CloneNotSupportedException e) {
      md5 = newMd5();
    }
    return HexFormat.of().formatHex(md5.digest(body));
  }

  private static final MessageDigest MD5 = newMd5();

  private static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is always available", e);
    }
  }

  /**
   * A request id in UUID form (version 4): it names a request in logs and answers, and need not be
   * unguessable, so it comes from the thread's fast generator instead of the shared, locked
   * generator behind {@link UUID#randomUUID()}.
   */
  static UUID requestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xf000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xc000L << 48)) | (0x8000L << 48);
    return new UUID(msb, lsb);
  }

  /** What the API answers: the SQS SendMessageResponse fields. */
  public record Receipt(JobId messageId, String md5OfMessageBody, String requestId) {}
}
