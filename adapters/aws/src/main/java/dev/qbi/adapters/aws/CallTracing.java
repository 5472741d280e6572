package dev.qbi.adapters.aws;

import java.util.Optional;

/**
 * Traces the AWS calls an adapter makes over plain HTTP, without an SDK client (whose execution
 * interceptors would otherwise see them): {@link LambdaInvokeJobExecutor}'s Invoke. The Lambda
 * runtime supplies one that sends each call as an X-Ray subsegment; implementations must not throw.
 */
public interface CallTracing {

  /** When a call starts (seconds since the epoch), to be passed back to {@link #record}. */
  double start();

  /**
   * The {@code X-Amzn-Trace-Id} header to send with the call this thread {@link #start started}, so
   * that the callee joins the trace (on a sampled trace its parent is that call's own record);
   * empty when there is no trace to join. Must not throw.
   */
  default Optional<String> traceHeader() {
    return Optional.empty();
  }

  /**
   * One call that ended now.
   *
   * @param service the service's name (e.g. {@code Lambda})
   * @param operation the API operation (e.g. {@code Invoke})
   * @param region the region the call went to
   * @param start what {@link #start} returned before the call
   * @param status the HTTP status, 0 when there was no response
   * @param requestId the service's request id, {@code null} when there was none
   * @param failed whether the call failed (no answer, or not the one expected)
   */
  void record(
      String service,
      String operation,
      String region,
      double start,
      int status,
      String requestId,
      boolean failed);
}
