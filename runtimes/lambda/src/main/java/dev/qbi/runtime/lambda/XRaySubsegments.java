package dev.qbi.runtime.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qbi.adapters.aws.CallTracing;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * X-Ray tracing of AWS SDK calls: each call becomes a subsegment ({@code namespace: aws}, service,
 * operation, region, request id, HTTP status, error/throttle/fault) of the invocation's trace, sent
 * to the X-Ray daemon over UDP in its documented JSON format, as the X-Ray SDK's {@code
 * TracingInterceptor} does; calls made without an SDK client (the simulator's Invoke, {@link
 * dev.qbi.adapters.aws.LambdaInvokeJobExecutor}) are reported through {@link CallTracing}. Written
 * here because the X-Ray SDK for Java drags in the AWS SDK v1 and Apache HttpClient (~2.5 MB),
 * which the function jar's 20 MB budget cannot hold.
 *
 * <p>Only sampled invocations are recorded: the trace header ({@code Root}, {@code Parent}, {@code
 * Sampled=1}) is read per call from the system property the Lambda Java runtime sets for each
 * invocation ({@value #TRACE_PROPERTY}), else from {@code _X_AMZN_TRACE_ID}; the daemon address
 * from {@code AWS_XRAY_DAEMON_ADDRESS} (both set by Lambda when tracing is active). Without either
 * nothing is sent. Ids come from {@link ThreadLocalRandom} per call: nothing random at init.
 *
 * <p>A call reported through {@link CallTracing} gets its subsegment id when it {@link #start
 * starts}, so the trace header sent with it ({@link #traceHeader}) can name that subsegment as the
 * callee's parent: the simulator's invocation then hangs under the processor's Invoke in the trace.
 */
final class XRaySubsegments implements ExecutionInterceptor, CallTracing {

  static final String TRACE_PROPERTY = "com.amazonaws.xray.traceHeader";
  private static final Logger LOG = LoggerFactory.getLogger(XRaySubsegments.class);
  private static final byte[] HEADER =
      "{\"format\": \"json\", \"version\": 1}\n".getBytes(StandardCharsets.UTF_8);
  private static final ExecutionAttribute<Double> START =
      new ExecutionAttribute<>("qbi.xray.start");

  /** The subsegment id of the call this thread started through {@link CallTracing}. */
  private final ThreadLocal<String> startedCall = new ThreadLocal<>();

  private final Supplier<String> traceHeader;
  private final InetSocketAddress daemon;
  private final Clock clock;
  private DatagramSocket socket;

  XRaySubsegments(Supplier<String> traceHeader, InetSocketAddress daemon, Clock clock) {
    this.traceHeader = traceHeader;
    this.daemon = daemon;
    this.clock = clock;
  }

  /** From the Lambda runtime's settings; empty when tracing is not configured. */
  static Optional<XRaySubsegments> fromRuntime() {
    return daemonAddress(System.getenv("AWS_XRAY_DAEMON_ADDRESS"))
        .map(
            address ->
                new XRaySubsegments(
                    () ->
                        Optional.ofNullable(System.getProperty(TRACE_PROPERTY))
                            .orElse(System.getenv("_X_AMZN_TRACE_ID")),
                    address,
                    Clock.systemUTC()));
  }

  /** {@code host:port}, or {@code tcp:host:port udp:host:port} (the UDP one is used). */
  static Optional<InetSocketAddress> daemonAddress(String setting) {
    if (setting == null || setting.isBlank()) {
      return Optional.empty();
    }
    String address = setting.strip();
    for (String part : address.split("\\s+")) {
      if (part.startsWith("udp:")) {
        address = part.substring(4);
      }
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new InetSocketAddress(
              address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    attributes.putAttribute(START, now());
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    send(attributes, Optional.of(context.httpResponse()), null);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    send(attributes, context.httpResponse(), context.exception());
  }

  private void send(
      ExecutionAttributes attributes, Optional<SdkHttpResponse> http, Throwable failure) {
    Double start = attributes.getAttribute(START);
    if (start == null) {
      return;
    }
    software.amazon.awssdk.regions.Region region =
        attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
    subsegment(
        newId(),
        serviceName(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)),
        attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
        region == null ? null : region.id(),
        start,
        http.map(SdkHttpResponse::statusCode).orElse(0),
        http.flatMap(r -> r.firstMatchingHeader("x-amzn-RequestId"))
            .or(() -> http.flatMap(r -> r.firstMatchingHeader("x-amz-request-id")))
            .orElse(null),
        failure != null);
  }

  /** The start of a call, for {@link #record}; picks the call's subsegment id. */
  @Override
  public double start() {
    startedCall.set(newId());
    return now();
  }

  /**
   * The invocation's trace header with {@code Parent} set to the subsegment of the call this thread
   * started, when the invocation is sampled; the header as it is when it is not (the callee then
   * does not sample either); empty without one.
   */
  @Override
  public Optional<String> traceHeader() {
    try {
      String header = traceHeader.get();
      if (header == null || header.isBlank()) {
        return Optional.empty();
      }
      String call = startedCall.get();
      return Optional.of(
          Trace.parse(header)
              .filter(t -> call != null)
              .map(t -> "Root=" + t.root() + ";Parent=" + call + ";Sampled=1")
              .orElse(header.strip()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Sends one subsegment for an AWS call that ended now (for calls made without an SDK client).
   * Never throws: tracing must not fail the call.
   *
   * @param status the HTTP status, 0 when there was no response
   */
  @Override
  public void record(
      String service,
      String operation,
      String region,
      double start,
      int status,
      String requestId,
      boolean failed) {
    String id = startedCall.get();
    startedCall.remove();
    subsegment(
        id == null ? newId() : id, service, operation, region, start, status, requestId, failed);
  }

  private void subsegment(
      String id,
      String service,
      String operation,
      String region,
      double start,
      int status,
      String requestId,
      boolean failed) {
    try {
      Optional<Trace> trace = Trace.parse(traceHeader.get());
      if (trace.isEmpty()) {
        return;
      }
      ObjectNode doc = HttpJson.MAPPER.createObjectNode();
      doc.put("name", service);
      doc.put("id", id);
      doc.put("trace_id", trace.get().root());
      doc.put("parent_id", trace.get().parent());
      doc.put("type", "subsegment");
      doc.put("namespace", "aws");
      doc.put("start_time", start);
      doc.put("end_time", now());
      ObjectNode aws = doc.putObject("aws");
      aws.put("operation", operation);
      if (region != null) {
        aws.put("region", region);
      }
      if (requestId != null) {
        aws.put("request_id", requestId);
      }
      if (status > 0) {
        doc.putObject("http").putObject("response").put("status", status);
      }
      if (status == 429) {
        doc.put("throttle", true).put("error", true);
      } else if (status >= 400 && status < 500) {
        doc.put("error", true);
      } else if (status >= 500 || failed) {
        doc.put("fault", true);
      }
      emit(HttpJson.MAPPER.writeValueAsBytes(doc));
    } catch (IOException | RuntimeException e) {
      LOG.debug("X-Ray subsegment not sent: {}", e.toString());
    }
  }

  private synchronized void emit(byte[] document) throws IOException {
    if (socket == null) {
      socket = new DatagramSocket();
    }
    byte[] packet = new byte[HEADER.length + document.length];
    System.arraycopy(HEADER, 0, packet, 0, HEADER.length);
    System.arraycopy(document, 0, packet, HEADER.length, document.length);
    socket.send(new DatagramPacket(packet, packet.length, daemon));
  }

  private double now() {
    return clock.millis() / 1000.0;
  }

  private static String newId() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  /** The X-Ray console's names for the services this jar calls. */
  static String serviceName(String sdkName) {
    if (sdkName == null) {
      return "AWS";
    }
    return switch (sdkName) {
      case "DynamoDb" -> "DynamoDB";
      case "Sqs" -> "SQS";
      default -> sdkName;
    };
  }

  /** The parts of an {@code X-Amzn-Trace-Id} header a subsegment needs; only sampled ones. */
  record Trace(String root, String parent) {
    static Optional<Trace> parse(String header) {
      if (header == null) {
        return Optional.empty();
      }
      String root = null;
      String parent = null;
      boolean sampled = false;
      for (String part : header.split(";")) {
        String[] kv = part.strip().split("=", 2);
        if (kv.length != 2) {
          continue;
        }
        switch (kv[0]) {
          case "Root" -> root = kv[1];
          case "Parent" -> parent = kv[1];
          case "Sampled" -> sampled = kv[1].equals("1");
          default -> {}
        }
      }
      return sampled && root != null && parent != null
          ? Optional.of(new Trace(root, parent))
          : Optional.empty();
    }
  }
}
