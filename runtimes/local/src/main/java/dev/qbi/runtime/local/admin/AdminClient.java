package dev.qbi.runtime.local.admin;

import dev.qbi.runtime.local.cli.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Calls the server's {@code /admin} routes, each request signed with AWS Signature Version 4
 * (service {@value #SERVICE}, region {@value #REGION}) by the AWS SDK's signer when admin
 * credentials are at hand, unsigned otherwise (a server that accepts operators on its own machine
 * takes those).
 */
final class AdminClient {

  static final String SERVICE = "ingest";
  static final String REGION = "us-east-1";

  /** Headers {@link HttpClient} sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /** An answer: status and body. */
  record Response(int status, byte[] body) {}

  private final URI endpoint;
  private final Optional<AwsCredentialsIdentity> credentials;
  private final HttpClient http;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  /**
   * @param trust the certificates trusted for {@code https}; {@code null}: the JDK's trust store
   */
  AdminClient(URI endpoint, Optional<AwsCredentialsIdentity> credentials, SSLContext trust) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    if (endpoint.getScheme() == null || endpoint.getHost() == null) {
      throw new IllegalArgumentException("--endpoint must be an absolute URL: " + endpoint);
    }
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER);
    this.http = trust == null ? b.build() : b.sslContext(trust).build();
  }

  boolean signs() {
    return credentials.isPresent();
  }

  /**
   * @param path the route, e.g. {@code /admin/dead-letters}
   * @param query query parameters, already URL-safe
   */
  Response send(String method, String path, Map<String, String> query)
      throws IOException, InterruptedException {
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    SdkHttpFullRequest.Builder unsigned =
        SdkHttpFullRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(endpoint)
            .encodedPath((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path)
            .putHeader("Accept", "application/json");
    query.forEach(unsigned::putRawQueryParameter);
    SdkHttpRequest request = unsigned.build();
    if (credentials.isPresent()) {
      SdkHttpRequest unsignedRequest = request;
      SignedRequest signed =
          signer.sign(
              r ->
                  r.identity(credentials.get())
                      .request(unsignedRequest)
                      .payload(ContentStreamProvider.fromByteArray(new byte[0]))
                      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
                      .putProperty(AwsV4HttpSigner.REGION_NAME, REGION));
      request = signed.request();
    }
    HttpRequest.Builder out =
        HttpRequest.newBuilder(request.getUri())
            .timeout(TIMEOUT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
      if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        h.getValue().forEach(v -> out.header(h.getKey(), v));
      }
    }
    try {
      HttpResponse<byte[]> answer = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(answer.statusCode(), answer.body());
    } catch (ConnectException e) {
      throw new IOException("cannot reach " + endpoint + ": connection refused", e);
    } catch (SSLException e) {
      throw new IOException(Failures.unreachable(e, endpoint.toString()), e);
    }
  }

  /**
   * The {@code [default]} profile of an AWS shared-credentials file.
   *
   * @return empty when the file does not exist
   * @throws IllegalArgumentException when it exists but holds no usable key pair
   */
  static Optional<AwsCredentialsIdentity> credentialsFrom(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    ProfileFile profiles;
    try {
      profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build();
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new IllegalArgumentException(
          "cannot read admin credentials " + file + ": " + e.getMessage(), e);
    }
    Profile profile =
        profiles
            .profile("default")
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "admin credentials " + file + " have no [default] profile"));
    Optional<String> key = profile.property("aws_access_key_id").filter(v -> !v.isBlank());
    Optional<String> secret = profile.property("aws_secret_access_key").filter(v -> !v.isBlank());
    if (key.isEmpty() || secret.isEmpty()) {
      throw new IllegalArgumentException(
          "admin credentials "
              + file
              + " need aws_access_key_id and aws_secret_access_key in [default]");
    }
    Optional<String> token = profile.property("aws_session_token").filter(v -> !v.isBlank());
    return Optional.of(
        token.isPresent()
            ? AwsSessionCredentialsIdentity.create(key.get(), secret.get(), token.get())
            : AwsCredentialsIdentity.create(key.get(), secret.get()));
  }
}
