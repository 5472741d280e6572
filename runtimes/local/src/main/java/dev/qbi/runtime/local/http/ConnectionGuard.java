package dev.qbi.runtime.local.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every accepted connection passes here first (Helidon calls {@link #configureSocket} right after
 * {@code accept}, on its listener thread), which gives the listener what Helidon lacks:
 *
 * <ul>
 *   <li>a read timeout on the socket ({@code SO_TIMEOUT}): a silent client is dropped instead of
 *       holding a descriptor and a thread for ever (Helidon reads a new connection's first bytes
 *       before its idle timeout covers it);
 *   <li>a cap on open connections, with a clean refusal beyond it: {@code 503} with the JSON error
 *       body, then close (over TLS only the close: the answer would need a handshake on the
 *       accepting thread), so {@code accept} never runs the process out of descriptors (which stops
 *       Helidon's listener for good) — and the same refusal when free descriptors run low for any
 *       other reason;
 *   <li>a deadline for request headers ({@link #headerListener}): a slow sender cannot keep a
 *       connection by trickling its headers a byte at a time.
 * </ul>
 */
final class ConnectionGuard implements SocketOptions {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final long FD_CHECK_EVERY_NANOS = Duration.ofMillis(50).toNanos();
  private static final byte[] REFUSAL = refusal();

  private final SocketOptions delegate = SocketOptions.builder().build();
  private final HttpLimits limits;
  private final int maxConnections;
  private final long minFreeDescriptors;
  private final Map<SocketAddress, Tracked> open = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private long lastFdCheck;
  private long lastFree = Long.MAX_VALUE;

  /** One open connection: its socket and, while headers are awaited, their deadline. */
  private static final class Tracked {
    final Socket socket;
    volatile long headerDeadline;

    Tracked(Socket socket, long headerDeadline) {
      this.socket = socket;
      this.headerDeadline = headerDeadline;
    }
  }

  /**
   * @param maxConnections the cap (already derived from the descriptor limit when not configured)
   * @param minFreeDescriptors refuse new connections while fewer descriptors than this are free
   */
  ConnectionGuard(HttpLimits limits, int maxConnections, long minFreeDescriptors) {
    this.limits = limits;
    this.maxConnections = maxConnections;
    this.minFreeDescriptors = minFreeDescriptors;
  }

  int maxConnections() {
    return maxConnections;
  }

  /** Connections refused so far (over the cap, or short of descriptors). */
  long refused() {
    return refused.get();
  }

  /** Open connections right now. */
  int openConnections() {
    return open.size();
  }

  @Override
  public void configureSocket(Socket socket) {
    delegate.configureSocket(socket);
    if (open.size() >= maxConnections) {
      sweep();
    }
    if (open.size() >= maxConnections || descriptorsLow()) {
      refuse(socket);
      // Helidon's listener closes the socket, logs at TRACE and keeps accepting
      throw new IllegalStateException("connection refused: over the limit");
    }
    try {
      socket.setSoTimeout(Math.toIntExact(limits.idleTimeout().toMillis()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot set the read timeout", e);
    }
    open.put(
        socket.getRemoteSocketAddress(),
        new Tracked(socket, System.nanoTime() + limits.headerTimeout().toNanos()));
  }

  /**
   * Drops connections that are closed, and closes those whose request headers are late. Called
   * periodically, and when the cap is reached.
   */
  void sweep() {
    long now = System.nanoTime();
    open.values()
        .removeIf(
            t -> {
              if (t.socket.isClosed()) {
                return true;
              }
              long deadline = t.headerDeadline;
              if (deadline != 0 && now - deadline > 0) {
                LOG.debug(
                    "closing a connection from {}: no complete request headers within {}",
                    t.socket.getRemoteSocketAddress(),
                    limits.headerTimeout());
                closeQuietly(t.socket);
                return true;
              }
              return false;
            });
  }

  /** Told by Helidon of each request's line and headers: starts and ends the header deadline. */
  Http1ConnectionListener headerListener() {
    return new Http1ConnectionListener() {
      @Override
      public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Tracked t = open.get(ctx.remotePeer().address());
        if (t != null && t.headerDeadline == 0) {
          t.headerDeadline = System.nanoTime() + limits.headerTimeout().toNanos();
        }
      }

      @Override
      public void headers(ConnectionContext ctx, Headers headers) {
        Tracked t = open.get(ctx.remotePeer().address());
        if (t != null) {
          t.headerDeadline = 0;
        }
      }
    };
  }

  /**
   * Fewer free descriptors than the reserve. Counting them lists {@code /proc/self/fd}: while
   * plenty are free, at most every 50 ms; once fewer than twice the reserve are, at every accept.
   */
  private boolean descriptorsLow() {
    long now = System.nanoTime();
    if (lastFree >= 2 * minFreeDescriptors && now - lastFdCheck < FD_CHECK_EVERY_NANOS) {
      return false;
    }
    lastFdCheck = now;
    lastFree = freeDescriptors();
    return lastFree < minFreeDescriptors;
  }

  long minFreeDescriptors() {
    return minFreeDescriptors;
  }

  /** File descriptors this process may still open ({@link Long#MAX_VALUE} when unknown). */
  static long freeDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
    }
    return Long.MAX_VALUE;
  }

  private void refuse(Socket socket) {
    long n = refused.incrementAndGet();
    if (n == 1 || n % 1000 == 0) {
      LOG.warn(
          "refusing connections: {} open (limit {}){}; {} refused so far",
          open.size(),
          maxConnections,
          lastFree < minFreeDescriptors ? ", file descriptors running out" : "",
          n);
    }
    if (socket instanceof SSLSocket) {
      // over TLS the answer needs a handshake first, here on the accepting thread: just close
      closeQuietly(socket);
      return;
    }
    try {
      socket.setSoTimeout(100);
      OutputStream out = socket.getOutputStream();
      out.write(REFUSAL);
      out.flush();
      socket.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("refusing a connection: {}", e.getMessage());
    } finally {
      closeQuietly(socket);
    }
  }

  private static byte[] refusal() {
    String body = "{\"message\":\"The server has too many open connections. Retry later.\"}";
    return ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/json\r\n"
            + "Retry-After: 1\r\n"
            + "Connection: close\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // the rest is Helidon's defaults, unchanged

  @Override
  public Map<SocketOption<?>, Object> socketOptions() {
    return delegate.socketOptions();
  }

  @Override
  public Duration connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Duration readTimeout() {
    return limits.idleTimeout();
  }

  @Override
  public Optional<Integer> socketReceiveBufferSize() {
    return delegate.socketReceiveBufferSize();
  }

  @Override
  public Optional<Integer> socketSendBufferSize() {
    return delegate.socketSendBufferSize();
  }

  @Override
  public boolean socketReuseAddress() {
    return delegate.socketReuseAddress();
  }

  @Override
  public boolean socketKeepAlive() {
    return delegate.socketKeepAlive();
  }

  @Override
  public boolean tcpNoDelay() {
    return delegate.tcpNoDelay();
  }
}
