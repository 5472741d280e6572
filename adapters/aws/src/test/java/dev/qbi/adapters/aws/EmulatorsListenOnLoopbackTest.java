package dev.qbi.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qbi.adapters.aws.testing.LocalDynamoDb;
import dev.qbi.adapters.aws.testing.LocalS3;
import dev.qbi.adapters.aws.testing.LocalSqs;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The emulators answer on 127.0.0.1 and on no other address of this machine. */
class EmulatorsListenOnLoopbackTest {

  @Test
  void elasticmq_listens_on_loopback_only() {
    assertLoopbackOnly(LocalSqs.shared().endpoint());
  }

  @Test
  void dynalite_listens_on_loopback_only() {
    assertLoopbackOnly(LocalDynamoDb.shared().endpoint());
  }

  @Test
  void s3mock_listens_on_loopback_only() {
    assertLoopbackOnly(LocalS3.shared().endpoint());
  }

  private static void assertLoopbackOnly(URI endpoint) {
    assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    assertThat(connects(InetAddress.getLoopbackAddress(), endpoint.getPort())).isTrue();
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
    assertThat(connects(other.get(), endpoint.getPort()))
        .as("port %d reachable on %s", endpoint.getPort(), other.get())
        .isFalse();
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() {
    try {
      return NetworkInterface.networkInterfaces()
          .filter(
              i -> {
                try {
                  return i.isUp() && !i.isLoopback();
                } catch (SocketException e) {
                  return false;
                }
              })
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
          .findFirst();
    } catch (SocketException e) {
      return Optional.empty();
    }
  }
}
