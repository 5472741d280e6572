package dev.qbi.runtime.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;

/** The port the server listens on, checked (or picked) before anything is created on disk. */
final class ListenerPort {
  private ListenerPort() {}

  /** A port free on {@code host} right now (for {@code --port 0}). */
  static int free(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + host, e);
    }
  }

  /**
   * Fails with one clear line when {@code host:port} cannot be bound (in use, not an address of
   * this machine), before anything is created; the server binds it again right after.
   */
  static ServerSettings requireFree(ServerSettings s) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(s.host()), s.port()));
      return s;
    } catch (BindException e) {
      String why =
          e.getMessage() == null ? "address in use" : e.getMessage().toLowerCase(Locale.ROOT);
      throw new IllegalStateException(
          "cannot listen on "
              + s.host()
              + ":"
              + s.port()
              + ": "
              + why
              + (why.contains("in use")
                  ? " (is another server running? choose another --port)"
                  : ""));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("cannot listen on " + s.host() + ": unknown host");
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot listen on " + s.host() + ":" + s.port() + ": " + e.getMessage());
    }
  }
}
