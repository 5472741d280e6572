package dev.qbi.runtime.local.http;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener of the local runtime: Helidon's {@link WebServer} (plain HTTP, or HTTPS with a
 * given {@link SSLContext}) with the limits of {@link HttpLimits} ({@link ConnectionGuard}), the
 * JSON bodies of {@link TransportErrors}, and a watchdog.
 *
 * <p>The watchdog, every {@link #WATCH_EVERY}, sweeps the connections (header deadlines) and checks
 * the listener still accepts: Helidon stops its listener for good when {@code accept} fails (e.g.
 * {@code EMFILE}, out of file descriptors). The guard keeps that from happening through
 * connections, but something else may still use up the descriptors; when the port stops accepting,
 * the watchdog starts a new server on it (same routes, same limits) once descriptors are free
 * again. The process never needs a restart for it.
 */
public final class HttpListener implements AutoCloseable {
  /** How often the watchdog sweeps and probes. */
  static final Duration WATCH_EVERY = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
  private static final int PROBE_TIMEOUT_MS = 1_000;
  private static final int MIN_DERIVED_CONNECTIONS = 16;
  private static final int PROBE_EVERY_TICKS = 2;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  private final String host;
  private final int port;
  private final HttpRouting.Builder routing;
  private final long maxPayloadBytes;
  private final HttpLimits limits;
  private final ConnectionGuard guard;
  private final Optional<SSLContext> tls;
  private final ScheduledExecutorService watchdog;
  private volatile WebServer web;
  private volatile boolean stopped;
  private long ticks;
  private int restarts;
  private long lastRestart;
  private long nextRestart = System.nanoTime();
  private long backoff;

  /**
   * @param port the port (0 is not allowed here: a restart must reuse it)
   * @param maxPayloadBytes the largest request body any route accepts
   * @param reservedDescriptors descriptors kept for everything but connections (databases, outputs
   *     being written, the JVM): subtracted from the limit when the cap is derived
   * @param tls HTTPS with this server context; empty: plain HTTP
   */
  public HttpListener(
      String host,
      int port,
      HttpRouting.Builder routing,
      long maxPayloadBytes,
      HttpLimits limits,
      int reservedDescriptors,
      Optional<SSLContext> tls) {
    if (port < 1) {
      throw new IllegalArgumentException("the listener needs a fixed port");
    }
    this.host = host;
    this.port = port;
    this.routing = routing;
    this.maxPayloadBytes = maxPayloadBytes;
    this.limits = limits;
    this.tls = tls;
    int cap =
        limits.maxConnections() > 0
            ? limits.maxConnections()
            : derivedMaxConnections(reservedDescriptors);
    // descriptors for the process's own use: half the reserve is kept free at all times
    this.guard = new ConnectionGuard(limits, cap, Math.max(16, reservedDescriptors / 2));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("http-watchdog").daemon(true).unstarted(r));
    this.web = build();
  }

  /**
   * The cap on connections: {@link HttpLimits#DEFAULT_MAX_CONNECTIONS}, or what descriptors allow.
   */
  static int derivedMaxConnections(int reservedDescriptors) {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long room =
          unix.getMaxFileDescriptorCount()
              - unix.getOpenFileDescriptorCount()
              - reservedDescriptors;
      return (int)
          Math.max(MIN_DERIVED_CONNECTIONS, Math.min(HttpLimits.DEFAULT_MAX_CONNECTIONS, room));
    }
    return HttpLimits.DEFAULT_MAX_CONNECTIONS;
  }

  private WebServer build() {
    WebServerConfig.Builder server = WebServer.builder();
    // TLS: the handshake runs on the connection's own thread, after the guard accepted it
    tls.ifPresent(context -> server.tls(Tls.builder().sslContext(context).build()));
    return server
        .host(host)
        .port(port)
        .shutdownHook(false)
        .maxPayloadSize(maxPayloadBytes)
        .idleConnectionTimeout(limits.idleTimeout())
        .idleConnectionPeriod(WATCH_EVERY.multipliedBy(5))
        .connectionOptions(guard)
        .directHandlers(TransportErrors.handlers())
        // HTTP/1.1 only, configured here (a discovered default would be a second selector)
        .protocolsDiscoverServices(false)
        .addProtocol(Http1Config.builder().addReceiveListener(guard.headerListener()).build())
        .routing(routing)
        .build();
  }

  /**
   * Starts listening and the watchdog.
   *
   * @throws IllegalStateException when the port cannot be bound
   */
  public void start() {
    web.start();
    if (!web.isRunning()) {
      // Helidon logs the cause (e.g. address in use) and returns without throwing
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + " (is the port in use?)");
    }
    long every = WATCH_EVERY.toMillis();
    watchdog.scheduleWithFixedDelay(this::watch, every, every, TimeUnit.MILLISECONDS);
    LOG.debug("at most {} connections", guard.maxConnections());
  }

  public int port() {
    return web.port();
  }

  /** The cap on open connections in force. */
  public int maxConnections() {
    return guard.maxConnections();
  }

  /** Times the listener was started again after it stopped accepting. */
  public synchronized int restarts() {
    return restarts;
  }

  private synchronized void watch() {
    try {
      guard.sweep();
      if (stopped || ++ticks % PROBE_EVERY_TICKS != 0) {
        return;
      }
      if (!accepting() && System.nanoTime() - nextRestart >= 0) {
        restart();
      }
    } catch (Throwable e) {
      // whatever happens, the watchdog keeps running (a periodic task that throws is cancelled)
      LOG.warn("http watchdog: {}", e.toString());
    }
  }

  /** False only when the port refuses connections: nobody listens on it any more. */
  private boolean accepting() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(probeAddress(), port), PROBE_TIMEOUT_MS);
      return true;
    } catch (ConnectException refused) {
      return false;
    } catch (IOException unknown) {
      // out of descriptors ourselves, or a full backlog: try again later
      LOG.debug("http watchdog probe: {}", unknown.toString());
      return true;
    }
  }

  private InetAddress probeAddress() throws UnknownHostException {
    InetAddress bound = InetAddress.getByName(host);
    return bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
  }

  private void restart() {
    if (ConnectionGuard.freeDescriptors() < guard.minFreeDescriptors()) {
      // it would die on its first accept: wait until descriptors are free again
      LOG.debug("the HTTP listener is down; waiting for free file descriptors to start it");
      return;
    }
    // started again soon after the last start: back off (2 s, 4 s, ... 1 min)
    long sinceLast = System.nanoTime() - lastRestart;
    backoff =
        lastRestart != 0 && sinceLast < MAX_BACKOFF.toNanos()
            ? Math.min(MAX_BACKOFF.toNanos(), Math.max(2 * backoff, WATCH_EVERY.toNanos() * 2))
            : 0;
    lastRestart = System.nanoTime();
    nextRestart = lastRestart + backoff;
    LOG.warn(
        "the HTTP listener on {}:{} stopped accepting connections (out of file descriptors?);"
            + " starting it again",
        host,
        port);
    // the stopped listener closed its socket and connections; nothing of it is reused
    WebServer fresh = build();
    fresh.start();
    if (fresh.isRunning()) {
      web = fresh;
      restarts++;
      LOG.info("the HTTP listener accepts connections again on {}:{}", host, port);
    } else {
      LOG.warn("could not start the HTTP listener again yet; retrying");
    }
  }

  /** Stops accepting; requests in progress get Helidon's grace period. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    watchdog.shutdownNow();
    web.stop();
  }
}
