package dev.qbi.adapters.aws;

import dev.qbi.core.error.StorageException;
import dev.qbi.core.port.JobExecutor;
import dev.qbi.core.port.JobHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * {@link JobExecutor} that synchronously invokes the batch-simulator function ({@code
 * RequestResponse}), as the original's processor does, with a {@link SimulatorProtocol.Request};
 * the function writes the output and answers with its key.
 *
 * <p>The call is Lambda's {@code Invoke} HTTP API ({@code POST
 * /2015-03-31/functions/{name}/invocations}) signed with the SDK's SigV4 signer and sent with the
 * {@code url-connection-client}, without the SDK's Lambda client, whose ~3 MB of generated model
 * classes (one per Lambda API operation) alone would push the function jar past its 20 MB budget.
 * When a {@link CallTracing} is given, each call is recorded with it (on Lambda: an X-Ray
 * subsegment like the SDK clients'), and the trace header it names ({@value #TRACE_HEADER}) goes
 * with the request, so the simulator's invocation joins the processor's trace. The header is not
 * signed (the SDK's signer leaves it out too), so adding it cannot break the signature.
 *
 * <p>Outcomes, each failure failing the attempt (the processor retries it):
 *
 * <ul>
 *   <li>HTTP 200 with the simulator's {@link SimulatorProtocol.Response}, {@code complete} with a
 *       key → that key;
 *   <li>a function error ({@code X-Amz-Function-Error}) → {@link LambdaFunctionException} with the
 *       function's {@code errorType} and {@code errorMessage} (placeholders when the error payload
 *       is missing, {@code null} or not JSON);
 *   <li>an answer that is empty, {@code null}, not the response JSON, or not {@code complete} with
 *       a key → {@link LambdaFunctionException} of type {@value #INVALID_RESPONSE};
 *   <li>any other HTTP status (unknown function, throttling, service error) or no answer at all
 *       (connection refused, timeout, credentials not found) → {@link StorageException}.
 * </ul>
 */
public final class LambdaInvokeJobExecutor implements JobExecutor {

  /** The {@code errorType} of an answer that is not the simulator's response. */
  public static final String INVALID_RESPONSE = "InvalidResponse";

  /** How long to wait for a connection to the Lambda endpoint ({@link #create}). */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** The longest read timeout {@link #create} accepts: the longest a function may run. */
  public static final Duration MAX_INVOKE_TIMEOUT = Duration.ofMinutes(15);

  /** The X-Ray trace header sent with the Invoke when the call is traced. */
  public static final String TRACE_HEADER = "X-Amzn-Trace-Id";

  private static final Logger LOG = LoggerFactory.getLogger(LambdaInvokeJobExecutor.class);
  private static final String FUNCTION_ERROR = "X-Amz-Function-Error";
  private static final String ERROR_TYPE = "x-amzn-ErrorType";
  private static final String REQUEST_ID = "x-amzn-RequestId";

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI endpoint;
  private final String functionName;
  private final Optional<CallTracing> tracing;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /** Untraced. */
  public LambdaInvokeJobExecutor(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      URI endpoint,
      String functionName) {
    this(http, credentials, region, endpoint, functionName, Optional.empty());
  }

  /**
   * @param http sends the request; its read timeout bounds the invoke
   * @param endpoint Lambda's endpoint ({@code https://lambda.<region>.amazonaws.com}); a path in it
   *     is kept as a prefix
   * @param functionName the simulator's name, ARN or alias ARN (with SnapStart: the alias)
   * @param tracing records each call, when present
   */
  public LambdaInvokeJobExecutor(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      URI endpoint,
      String functionName,
      Optional<? extends CallTracing> tracing) {
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.region = Objects.requireNonNull(region, "region");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.tracing = Objects.requireNonNull(tracing, "tracing").map(CallTracing.class::cast);
    if (functionName == null || functionName.isBlank()) {
      throw new IllegalArgumentException("functionName is required");
    }
    this.functionName = functionName;
  }

  /**
   * For a function in {@code region}: the default credentials chain (on Lambda: the function role,
   * SnapStart-safe), the endpoint as every SDK client resolves it ({@code AWS_ENDPOINT_URL_LAMBDA},
   * {@code AWS_ENDPOINT_URL}, the profile, else {@code https://lambda.<region>.<partition
   * domain>}), an HTTP client with {@link #CONNECT_TIMEOUT} and {@code invokeTimeout} as its read
   * timeout.
   *
   * @param invokeTimeout how long to wait for the function's answer: its own timeout plus a margin
   *     (a function cannot answer later than its timeout, so waiting longer only holds the caller
   *     past its own deadline); 1 s up to {@link #MAX_INVOKE_TIMEOUT}
   */
  public static LambdaInvokeJobExecutor create(
      Region region,
      String functionName,
      Duration invokeTimeout,
      Optional<? extends CallTracing> tracing) {
    Objects.requireNonNull(invokeTimeout, "invokeTimeout");
    if (invokeTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || invokeTimeout.compareTo(MAX_INVOKE_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "invokeTimeout must be between 1 s and 15 min, was " + invokeTimeout);
    }
    URI endpoint =
        AwsClientEndpointProvider.builder()
            .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_LAMBDA")
            .serviceEndpointOverrideSystemProperty("aws.endpointUrlLambda")
            .serviceProfileProperty("lambda")
            .profileFile(ProfileFile::defaultProfileFile)
            .profileName(ProfileFileSystemSetting.AWS_PROFILE.getStringValueOrThrow())
            .serviceEndpointPrefix("lambda")
            .defaultProtocol("https")
            .region(region)
            .build()
            .clientEndpoint();
    SdkHttpClient http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
            .socketTimeout(invokeTimeout)
            .build();
    return new LambdaInvokeJobExecutor(
        http,
        DefaultCredentialsProvider.builder().build(),
        region,
        endpoint,
        functionName,
        tracing);
  }

  @Override
  public String execute(JobHandler.Request request) throws LambdaFunctionException {
    Objects.requireNonNull(request, "request");
    byte[] payload = SimulatorProtocol.write(SimulatorProtocol.Request.of(request));
    Answer answer = invoke(payload, request);
    if (answer.functionError().isPresent()) {
      SimulatorProtocol.FunctionError error = parseError(answer.body());
      LOG.info(
          "job {}: simulator function error {} ({})",
          request.jobId(),
          error.errorType(),
          answer.functionError().get());
      throw new LambdaFunctionException(error.errorType(), error.errorMessage());
    }
    SimulatorProtocol.Response result = parseResponse(answer.body());
    LOG.debug(
        "job {}: simulator request {} wrote {}",
        request.jobId(),
        result.jobRequestId(),
        result.jobPayloadKey());
    return result.jobPayloadKey();
  }

  private record Answer(byte[] body, Optional<String> functionError) {}

  private Answer invoke(byte[] payload, JobHandler.Request request) {
    SdkHttpFullRequest unsigned =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.POST)
            .uri(endpoint)
            .encodedPath(
                basePath()
                    + "/2015-03-31/functions/"
                    + SdkHttpUtils.urlEncode(functionName)
                    + "/invocations")
            .putHeader("Content-Type", "application/json")
            .putHeader("X-Amz-Invocation-Type", "RequestResponse")
            .putHeader("X-Amz-Log-Type", "None")
            .build();
    double started = tracing.map(CallTracing::start).orElse(0.0);
    Optional<String> traceHeader = tracing.flatMap(CallTracing::traceHeader);
    int status = 0;
    String requestId = null;
    boolean failed = true;
    try {
      SignedRequest signed =
          signer.sign(
              r ->
                  r.identity(credentials.resolveCredentials())
                      .request(unsigned)
                      .payload(ContentStreamProvider.fromByteArray(payload))
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                      .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
      SdkHttpRequest toSend =
          traceHeader
              .map(h -> signed.request().toBuilder().putHeader(TRACE_HEADER, h).build())
              .orElse(signed.request());
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(toSend)
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      byte[] body = readAll(response);
      status = response.httpResponse().statusCode();
      requestId = response.httpResponse().firstMatchingHeader(REQUEST_ID).orElse(null);
      if (status != 200) {
        String type = response.httpResponse().firstMatchingHeader(ERROR_TYPE).orElse("?");
        throw new StorageException(
            "Lambda Invoke of "
                + functionName
                + " for job "
                + request.jobId()
                + " answered HTTP "
                + status
                + " ("
                + type
                + ")");
      }
      failed = false;
      return new Answer(body, response.httpResponse().firstMatchingHeader(FUNCTION_ERROR));
    } catch (StorageException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new StorageException(
          "Lambda Invoke of " + functionName + " failed for job " + request.jobId(), e);
    } finally {
      int httpStatus = status;
      String id = requestId;
      boolean fault = failed;
      tracing.ifPresent(
          t -> t.record("Lambda", "Invoke", region.id(), started, httpStatus, id, fault));
    }
  }

  private String basePath() {
    String path = endpoint.getRawPath();
    return path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
  }

  private static byte[] readAll(HttpExecuteResponse response) throws IOException {
    if (response.responseBody().isEmpty()) {
      return new byte[0];
    }
    try (InputStream in = response.responseBody().get()) {
      return in.readAllBytes();
    }
  }

  /** The simulator's answer, which must be {@code complete} with an output key. */
  private static SimulatorProtocol.Response parseResponse(byte[] answer)
      throws LambdaFunctionException {
    if (answer.length == 0) {
      throw new LambdaFunctionException(INVALID_RESPONSE, "simulator answered with an empty body");
    }
    SimulatorProtocol.Response result;
    try {
      result = SimulatorProtocol.readResponse(answer);
    } catch (IOException e) {
      throw new LambdaFunctionException(
          INVALID_RESPONSE, "simulator answered with something that is not its response JSON");
    }
    if (result == null) {
      throw new LambdaFunctionException(INVALID_RESPONSE, "simulator answered null");
    }
    if (!SimulatorProtocol.COMPLETE.equals(result.jobStatus())
        || result.jobPayloadKey() == null
        || result.jobPayloadKey().isBlank()) {
      throw new LambdaFunctionException(
          INVALID_RESPONSE,
          "simulator answered jobStatus=" + result.jobStatus() + " without an output key");
    }
    return result;
  }

  /** Lambda's error envelope, with placeholders for whatever is missing. */
  private static SimulatorProtocol.FunctionError parseError(byte[] answer) {
    if (answer.length == 0) {
      return new SimulatorProtocol.FunctionError("FunctionError", "(no error payload)");
    }
    try {
      SimulatorProtocol.FunctionError e = SimulatorProtocol.readError(answer);
      if (e == null) {
        return new SimulatorProtocol.FunctionError("FunctionError", "(no error payload)");
      }
      return new SimulatorProtocol.FunctionError(
          e.errorType() == null ? "FunctionError" : e.errorType(),
          e.errorMessage() == null ? "(no message)" : e.errorMessage());
    } catch (IOException notJson) {
      return new SimulatorProtocol.FunctionError("FunctionError", "(unreadable error payload)");
    }
  }
}
