package dev.qbi.adapters.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.core.job.JobId;
import dev.qbi.core.job.Owner;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON exchanged between the job processor and the batch-simulator function (synchronous
 * invoke), shared by {@link LambdaInvokeJobExecutor} and the simulator's handler.
 *
 * <p>Request: {@code {"jobId": "<uuid>", "owner": "<sub>", "payload": "<the job body as text>",
 * "attempt": 1}} ({@code attempt} is the delivery's receive count; 1 when absent). Response (the
 * original's shape): {@code {"jobStatus": "complete", "jobPayloadLocation": "<bucket>",
 * "jobPayloadKey": "<key>", "jobRequestId": "<uuid>"}}. A failure is Lambda's own error envelope
 * ({@code errorType}, {@code errorMessage}) with a function error.
 */
public final class SimulatorProtocol {

  /** {@code jobStatus} of a successful run. */
  public static final String COMPLETE = "complete";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
          .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private SimulatorProtocol() {}

  /**
   * What the simulator is asked to do.
   *
   * @param payload the job request body exactly as submitted (JSON text)
   * @param attempt which attempt this is, from 1; null (absent) means 1
   */
  public record Request(String jobId, String owner, String payload, Integer attempt) {

    /** A request without an attempt number (the first attempt). */
    public Request(String jobId, String owner, String payload) {
      this(jobId, owner, payload, null);
    }

    public static Request of(JobHandler.Request request) {
      return new Request(
          request.jobId().toString(),
          request.owner().sub(),
          new String(request.payload(), StandardCharsets.UTF_8),
          request.attempt());
    }

    /**
     * @throws IllegalArgumentException when a field is missing, the id is not a UUID or the attempt
     *     is below 1
     */
    public JobHandler.Request toJobRequest() {
      if (jobId == null || owner == null || payload == null) {
        throw new IllegalArgumentException("simulator request needs jobId, owner and payload");
      }
      try {
        return new JobHandler.Request(
            JobId.parse(jobId),
            new Owner(owner),
            payload.getBytes(StandardCharsets.UTF_8),
            attempt == null ? 1 : attempt);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("bad simulator request: " + e.getMessage(), e);
      }
    }
  }

  /**
   * What the simulator answers.
   *
   * @param jobStatus {@value #COMPLETE} when the output was written
   * @param jobPayloadLocation where the output lives (the bucket on AWS)
   * @param jobPayloadKey the output's key in the payload store
   * @param jobRequestId the invocation's request id
   */
  public record Response(
      String jobStatus, String jobPayloadLocation, String jobPayloadKey, String jobRequestId) {

    public static Response complete(String location, String key, String requestId) {
      return new Response(COMPLETE, location, key, requestId);
    }
  }

  /** Lambda's error envelope for a function error. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FunctionError(String errorType, String errorMessage) {}

  public static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Object value, OutputStream out) throws IOException {
    JSON.writeValue(out, value);
  }

  public static Request readRequest(InputStream in) throws IOException {
    return JSON.readValue(in, Request.class);
  }

  public static Request readRequest(byte[] json) throws IOException {
    return JSON.readValue(json, Request.class);
  }

  public static Response readResponse(byte[] json) throws IOException {
    return JSON.readValue(json, Response.class);
  }

  public static FunctionError readError(byte[] json) throws IOException {
    return JSON.readValue(json, FunctionError.class);
  }
}
