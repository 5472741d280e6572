package dev.qbi.runtime.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.adapters.aws.AwsClients;
import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.core.testing.MutableClock;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** SDK calls against dynalite, their subsegments caught by a stand-in X-Ray daemon (UDP). */
class XRaySubsegmentsTest {

  private static final String SAMPLED =
      "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

  private DatagramSocket daemon;
  private final AtomicReference<String> header = new AtomicReference<>(SAMPLED);
  private final MutableClock clock = MutableClock.startingAt("2026-11-25T12:00:00Z");
  private AwsClients aws;

  @BeforeEach
  void start() throws IOException {
    daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    daemon.setSoTimeout(5000);
    XRaySubsegments tracing =
        new XRaySubsegments(
            header::get,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.getLocalPort()),
            clock);
    aws =
        AwsClients.builder()
            .region(Region.US_EAST_1)
            .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
            .dynamoDbEndpoint(LocalDynamoDb.shared().endpoint())
            .interceptor(tracing)
            .build();
  }

  @AfterEach
  void stop() {
    aws.close();
    daemon.close();
  }

  @Test
  void sampled_sdk_call_is_sent_as_an_aws_subsegment_of_the_invocations_trace() throws IOException {
    aws.dynamoDb().listTables();

    JsonNode doc = receive();

    assertThat(doc.path("name").asText()).isEqualTo("DynamoDB");
    assertThat(doc.path("namespace").asText()).isEqualTo("aws");
    assertThat(doc.path("type").asText()).isEqualTo("subsegment");
    assertThat(doc.path("trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    assertThat(doc.path("parent_id").asText()).isEqualTo("53995c3f42cd8ad8");
    assertThat(doc.path("id").asText()).matches("[0-9a-f]{16}");
    assertThat(doc.path("aws").path("operation").asText()).isEqualTo("ListTables");
    assertThat(doc.path("aws").path("region").asText()).isEqualTo("us-east-1");
    assertThat(doc.path("http").path("response").path("status").asInt()).isEqualTo(200);
    assertThat(doc.path("end_time").asDouble())
        .isGreaterThanOrEqualTo(doc.path("start_time").asDouble());
    assertThat(doc.has("error")).isFalse();
    assertThat(doc.has("fault")).isFalse();
  }

  @Test
  void client_error_is_marked_as_an_error() throws IOException {
    assertThatThrownBy(() -> aws.dynamoDb().describeTable(b -> b.tableName("no-such-table")))
        .isInstanceOf(ResourceNotFoundException.class);

    JsonNode doc = receive();

    assertThat(doc.path("aws").path("operation").asText()).isEqualTo("DescribeTable");
    assertThat(doc.path("http").path("response").path("status").asInt()).isEqualTo(400);
    assertThat(doc.path("error").asBoolean()).isTrue();
  }

  @Test
  void unsampled_invocation_sends_nothing() throws IOException {
    header.set("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0");
    daemon.setSoTimeout(300);

    aws.dynamoDb().listTables();

    assertThatThrownBy(this::receive).isInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void daemon_address_is_read_in_both_of_lambdas_formats() {
    assertThat(XRaySubsegments.daemonAddress("169.254.79.129:2000"))
        .contains(new InetSocketAddress("169.254.79.129", 2000));
    assertThat(XRaySubsegments.daemonAddress("tcp:127.0.0.1:2000 udp:127.0.0.2:2001"))
        .contains(new InetSocketAddress("127.0.0.2", 2001));
    assertThat(XRaySubsegments.daemonAddress(null)).isEmpty();
    assertThat(XRaySubsegments.daemonAddress("nonsense")).isEmpty();
  }

  @Test
  void manual_record_carries_the_given_duration() throws IOException {
    XRaySubsegments tracing =
        new XRaySubsegments(
            header::get,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.getLocalPort()),
            clock);
    double start = tracing.start();
    clock.advance(Duration.ofMillis(250));

    tracing.record("Lambda", "Invoke", "us-east-1", start, 200, "req-1", false);

    JsonNode doc = receive();
    assertThat(doc.path("name").asText()).isEqualTo("Lambda");
    assertThat(doc.path("aws").path("request_id").asText()).isEqualTo("req-1");
    assertThat(doc.path("end_time").asDouble() - doc.path("start_time").asDouble())
        .isEqualTo(0.25, org.assertj.core.data.Offset.offset(0.001));
  }

  @Test
  void trace_header_of_a_started_call_names_its_subsegment_as_the_parent() throws IOException {
    XRaySubsegments tracing =
        new XRaySubsegments(
            header::get,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.getLocalPort()),
            clock);
    double start = tracing.start();

    String sent = tracing.traceHeader().orElseThrow();
    tracing.record("Lambda", "Invoke", "us-east-1", start, 200, "req-1", false);

    JsonNode doc = receive();
    assertThat(sent)
        .isEqualTo(
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent="
                + doc.path("id").asText()
                + ";Sampled=1");
    assertThat(doc.path("parent_id").asText()).isEqualTo("53995c3f42cd8ad8");
  }

  @Test
  void trace_header_of_an_unsampled_invocation_is_passed_on_as_it_is() {
    String unsampled = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
    header.set(unsampled);
    XRaySubsegments tracing =
        new XRaySubsegments(
            header::get,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), daemon.getLocalPort()),
            clock);
    tracing.start();

    assertThat(tracing.traceHeader()).contains(unsampled);
    header.set(null);
    assertThat(tracing.traceHeader()).isEmpty();
  }

  /** One datagram: the daemon's header line, then the document. */
  private JsonNode receive() throws IOException {
    byte[] buffer = new byte[65_536];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    daemon.receive(packet);
    String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    assertThat(text.substring(0, newline)).isEqualTo("{\"format\": \"json\", \"version\": 1}");
    return new ObjectMapper().readTree(text.substring(newline + 1));
  }
}
