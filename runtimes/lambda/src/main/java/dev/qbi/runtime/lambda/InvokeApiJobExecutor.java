package dev.qbi.runtime.lambda;

import dev.qbi.adapters.aws.LambdaFunctionException;
import dev.qbi.adapters.aws.SimulatorProtocol;
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
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Synchronously invokes the batch-simulator function through Lambda's {@code Invoke} HTTP API
 * ({@code POST /2015-03-31/functions/{name}/invocations}, {@code RequestResponse}), signed with the
 * SDK's SigV4 signer and sent with the {@code url-connection-client}: the same request and the same
 * outcomes as {@link dev.qbi.adapters.aws.LambdaJobExecutor}, without the SDK's Lambda client,
 * whose ~3 MB of generated model classes (one per Lambda API operation) alone would push the
 * function jar past its 20 MB budget.
 *
 * <p>The endpoint is resolved as every SDK client resolves it ({@code AWS_ENDPOINT_URL_LAMBDA},
 * {@code AWS_ENDPOINT_URL}, the profile, else {@code https://lambda.<region>.<partition domain>}),
 * credentials by the default chain (on Lambda: the function role, SnapStart-safe). When the
 * function is traced, the call is an X-Ray subsegment like the SDK clients' ({@link
 * XRaySubsegments}).
 *
 * <p>Outcomes: HTTP 200 without {@code X-Amz-Function-Error} → the simulator's {@link
 * SimulatorProtocol.Response}, whose key is returned; a function error → {@link
 * LambdaFunctionException} with the function's error type and message; any other status or an I/O
 * failure → {@link StorageException}. Every failure fails the attempt (retried by the processor).
 */
final class InvokeApiJobExecutor implements JobExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(InvokeApiJobExecutor.class);
  private static final String FUNCTION_ERROR = "X-Amz-Function-Error";
  private static final String ERROR_TYPE = "x-amzn-ErrorType";

  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final Region region;
  private final URI endpoint;
  private final String functionName;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
  private final Optional<XRaySubsegments> tracing;

  InvokeApiJobExecutor(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      URI endpoint,
      String functionName) {
    this(http, credentials, region, endpoint, functionName, Optional.empty());
  }

  InvokeApiJobExecutor(
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      Region region,
      URI endpoint,
      String functionName,
      Optional<XRaySubsegments> tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.region = Objects.requireNonNull(region, "region");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    if (functionName == null || functionName.isBlank()) {
      throw new IllegalArgumentException("functionName is required");
    }
    this.functionName = functionName;
  }

  /**
   * For the function's region: default credentials, the SDK's endpoint resolution, an HTTP client
   * whose read timeout covers the longest possible invocation.
   */
  static InvokeApiJobExecutor create(Region region, String functionName) {
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
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofMinutes(15))
            .build();
    return new InvokeApiJobExecutor(
        http,
        DefaultCredentialsProvider.builder().build(),
        region,
        endpoint,
        functionName,
        XRaySubsegments.fromRuntime());
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
    SimulatorProtocol.Response result;
    try {
      result = SimulatorProtocol.readResponse(answer.body());
    } catch (IOException e) {
      throw new LambdaFunctionException(
          "InvalidResponse", "simulator answered with something that is not its response JSON");
    }
    if (!SimulatorProtocol.COMPLETE.equals(result.jobStatus())
        || result.jobPayloadKey() == null
        || result.jobPayloadKey().isBlank()) {
      throw new LambdaFunctionException(
          "InvalidResponse",
          "simulator answered jobStatus=" + result.jobStatus() + " without an output key");
    }
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
    double started = tracing.map(XRaySubsegments::start).orElse(0.0);
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
      HttpExecuteResponse response =
          http.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(signed.request())
                      .contentStreamProvider(signed.payload().orElse(null))
                      .build())
              .call();
      byte[] body = readAll(response);
      status = response.httpResponse().statusCode();
      requestId = response.httpResponse().firstMatchingHeader("x-amzn-RequestId").orElse(null);
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
    } catch (IOException | RuntimeException e) {
      if (e instanceof StorageException known) {
        throw known;
      }
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

  private static SimulatorProtocol.FunctionError parseError(byte[] answer) {
    try {
      SimulatorProtocol.FunctionError e = SimulatorProtocol.readError(answer);
      return new SimulatorProtocol.FunctionError(
          e.errorType() == null ? "FunctionError" : e.errorType(),
          e.errorMessage() == null ? "(no message)" : e.errorMessage());
    } catch (IOException notJson) {
      return new SimulatorProtocol.FunctionError("FunctionError", "(unreadable error payload)");
    }
  }
}
