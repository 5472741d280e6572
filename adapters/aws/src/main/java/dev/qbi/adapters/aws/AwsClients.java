package dev.qbi.adapters.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds each AWS SDK client once, on first use, and closes them together. All clients share the
 * region, the credentials (the SDK's default chain unless one is given), the execution interceptors
 * (e.g. X-Ray's) and a {@code url-connection-client}. (Lambda is invoked without an SDK client:
 * {@link LambdaInvokeJobExecutor}.)
 *
 * <p>Endpoints can be overridden for all services at once or per service (emulators listen on one
 * port each). This class reads no environment variables: the entry points do.
 *
 * <pre>{@code
 * AwsClients aws = AwsClients.builder().region(Region.EU_WEST_1).build();
 * JobQueue queue = new SqsJobQueue(aws.sqs(), queueUrl, dlqUrl);
 * }</pre>
 */
public final class AwsClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);

  /** Default read timeout of the shared HTTP client: above SQS's 20 s long poll. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  private final Builder settings;
  private final List<AutoCloseable> created = new ArrayList<>();
  private SdkHttpClient http;
  private SqsClient sqs;
  private DynamoDbClient dynamoDb;
  private S3Client s3;
  private S3Presigner s3Presigner;
  private boolean closed;

  private AwsClients(Builder settings) {
    this.settings = settings;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Clients for {@code region} with the default credentials chain and the real AWS endpoints. */
  public static AwsClients create(Region region) {
    return builder().region(region).build();
  }

  public Region region() {
    return settings.region;
  }

  public synchronized SqsClient sqs() {
    if (sqs == null) {
      var b =
          SqsClient.builder()
              .region(settings.region)
              .httpClient(http())
              .overrideConfiguration(override());
      settings.endpointFor(settings.sqsEndpoint).ifPresent(b::endpointOverride);
      credentials().ifPresent(b::credentialsProvider);
      sqs = track(b.build());
    }
    return sqs;
  }

  public synchronized DynamoDbClient dynamoDb() {
    if (dynamoDb == null) {
      var b =
          DynamoDbClient.builder()
              .region(settings.region)
              .httpClient(http())
              .overrideConfiguration(override());
      settings.endpointFor(settings.dynamoDbEndpoint).ifPresent(b::endpointOverride);
      credentials().ifPresent(b::credentialsProvider);
      dynamoDb = track(b.build());
    }
    return dynamoDb;
  }

  public synchronized S3Client s3() {
    if (s3 == null) {
      var b =
          S3Client.builder()
              .region(settings.region)
              .httpClient(http())
              .forcePathStyle(settings.s3PathStyle)
              .overrideConfiguration(override());
      settings.endpointFor(settings.s3Endpoint).ifPresent(b::endpointOverride);
      credentials().ifPresent(b::credentialsProvider);
      s3 = track(b.build());
    }
    return s3;
  }

  /** Signs download links; makes no network call. */
  public synchronized S3Presigner s3Presigner() {
    if (s3Presigner == null) {
      var b =
          S3Presigner.builder()
              .region(settings.region)
              .serviceConfiguration(
                  S3Configuration.builder().pathStyleAccessEnabled(settings.s3PathStyle).build());
      settings.endpointFor(settings.s3Endpoint).ifPresent(b::endpointOverride);
      credentials().ifPresent(b::credentialsProvider);
      s3Presigner = track(b.build());
    }
    return s3Presigner;
  }

  /** Closes every client built so far (in reverse order), then the HTTP clients. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = created.size() - 1; i >= 0; i--) {
      try {
        created.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", created.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    created.clear();
  }

  private SdkHttpClient http() {
    if (http == null) {
      http = track(httpClient(settings.readTimeout));
    }
    return http;
  }

  private static SdkHttpClient httpClient(Duration readTimeout) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(readTimeout)
        .build();
  }

  private ClientOverrideConfiguration override() {
    ClientOverrideConfiguration.Builder b = ClientOverrideConfiguration.builder();
    settings.interceptors.forEach(b::addExecutionInterceptor);
    return b.build();
  }

  private Optional<AwsCredentialsProvider> credentials() {
    return Optional.ofNullable(settings.credentials);
  }

  private <T extends AutoCloseable> T track(T client) {
    if (closed) {
      throw new IllegalStateException("AwsClients is closed");
    }
    created.add(client);
    return client;
  }

  /** Settings of {@link AwsClients}; only {@link #region} is required. */
  public static final class Builder {
    private Region region;
    private URI endpoint;
    private URI sqsEndpoint;
    private URI dynamoDbEndpoint;
    private URI s3Endpoint;
    private boolean s3PathStyle;
    private AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;

    private Builder() {}

    public Builder region(Region region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** One endpoint for every service (e.g. a LocalStack-style gateway). */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder sqsEndpoint(URI endpoint) {
      this.sqsEndpoint = endpoint;
      return this;
    }

    public Builder dynamoDbEndpoint(URI endpoint) {
      this.dynamoDbEndpoint = endpoint;
      return this;
    }

    public Builder s3Endpoint(URI endpoint) {
      this.s3Endpoint = endpoint;
      return this;
    }

    /** Path-style S3 URLs ({@code http://host/bucket/key}), as S3 emulators need. */
    public Builder s3PathStyle(boolean pathStyle) {
      this.s3PathStyle = pathStyle;
      return this;
    }

    /** Credentials for every client; default: the SDK's default credentials chain. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Added to every client, e.g. X-Ray's {@code TracingInterceptor}. */
    public Builder interceptor(ExecutionInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Read timeout of the shared HTTP client (SQS, DynamoDB, S3). */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    public AwsClients build() {
      if (region == null) {
        throw new IllegalStateException("AwsClients needs a region");
      }
      Builder copy = new Builder();
      copy.region = region;
      copy.endpoint = endpoint;
      copy.sqsEndpoint = sqsEndpoint;
      copy.dynamoDbEndpoint = dynamoDbEndpoint;
      copy.s3Endpoint = s3Endpoint;
      copy.s3PathStyle = s3PathStyle;
      copy.credentials = credentials;
      copy.interceptors.addAll(interceptors);
      copy.readTimeout = readTimeout;
      return new AwsClients(copy);
    }

    private Optional<URI> endpointFor(URI specific) {
      return Optional.ofNullable(specific != null ? specific : endpoint);
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }
}
