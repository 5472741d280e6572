package dev.qbi.awslocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynaliteTest {

  @Test
  void the_node_process_exits_when_its_parent_goes_away() throws Exception {
    Dynalite dynalite = Dynalite.start(Optional.empty(), freePort());
    try {
      ProcessHandle node = dynalite.handle();
      assertThat(node.isAlive()).isTrue();
      // what the kernel does to the pipe when this JVM dies, even by SIGKILL
      dynalite.closeInput();
      node.onExit().get(10, TimeUnit.SECONDS);
      assertThat(node.isAlive()).isFalse();
    } finally {
      dynalite.close();
    }
  }

  @Test
  void an_uninstalled_dynalite_says_how_to_install_it(@TempDir Path empty) {
    assertThatThrownBy(() -> Dynalite.start(Optional.of(empty), freePort()))
        .isInstanceOf(AwsLocalException.class)
        .hasMessageContaining("dynalite is not installed")
        .hasMessageEndingWith("run npm ci --prefix tools/dynalite");
  }

  @Test
  void a_taken_port_names_the_option() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Dynalite.start(Optional.empty(), taken.getLocalPort()))
          .isInstanceOf(AwsLocalException.class)
          .hasMessage(
              "port "
                  + taken.getLocalPort()
                  + " (DynamoDB, dynalite) is in use: pick another with --dynamodb-port");
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
