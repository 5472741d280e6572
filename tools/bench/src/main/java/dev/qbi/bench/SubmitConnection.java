package dev.qbi.bench;

import dev.qbi.client.JobApiClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * One keep-alive HTTP/1.1 connection that sends submits, written against the socket so that the
 * load generator costs little CPU next to the server it measures (the JDK's HttpClient spends about
 * 0.7 ms of CPU per request, a third of a 2-core machine at 1,000 requests/s). The answer's job id
 * is read by the client's own parser, {@link JobApiClient#messageId}.
 */
final class SubmitConnection implements AutoCloseable {

  /** The answer to one submit: the HTTP status and, for a 200, the job id (its MessageId). */
  record Submitted(int status, Optional<String> jobId) {}

  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final InetSocketAddress address;
  private final String hostHeader;
  private final byte[] headerPrefix;
  private final String authorization;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private String lastAnswer = "";

  SubmitConnection(URI base, String token) {
    this.address = new InetSocketAddress(base.getHost(), base.getPort());
    this.hostHeader = base.getHost() + ":" + base.getPort();
    this.authorization = token;
    this.headerPrefix =
        ("POST "
                + JobApiClient.SUBMIT_PATH
                + " HTTP/1.1\r\nHost: "
                + base.getHost()
                + ":"
                + base.getPort()
                + "\r\nAuthorization: "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: ")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends one submit and reads its whole answer. */
  Submitted submit(String jsonBody) throws IOException {
    if (socket == null) {
      connect();
    }
    byte[] body = jsonBody.getBytes(StandardCharsets.UTF_8);
    out.write(headerPrefix);
    out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    int status = readStatusAndBody();
    return status == 200
        ? new Submitted(200, JobApiClient.messageId(lastAnswer))
        : new Submitted(status, Optional.empty());
  }

  /** {@code GET /job-status/{jobId}} with the token; the answer's status and body. */
  Answer status(String jobId) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(
        ("GET /job-status/"
                + jobId
                + " HTTP/1.1\r\nHost: "
                + hostHeader
                + "\r\nAuthorization: "
                + authorization
                + "\r\nAccept: application/json\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    int status = readStatusAndBody();
    return new Answer(status, lastAnswer);
  }

  /** An answer's HTTP status and body. */
  record Answer(int status, String body) {}

  /** Sends {@code GET path} (no token) on the same connection; returns the HTTP status. */
  int get(String path) throws IOException {
    if (socket == null) {
      connect();
    }
    out.write(
        ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readStatusAndBody();
  }

  /** Reads one whole answer (keeping its body in {@link #lastAnswer}); returns its status. */
  private int readStatusAndBody() throws IOException {
    String head = readHead();
    int status = Integer.parseInt(head.substring(9, 12));
    int length = -1;
    boolean close = false;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring(15).strip());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (length < 0) {
      throw new IOException("answer without Content-Length");
    }
    lastAnswer = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    if (close) {
      reset();
    }
    return status;
  }

  private void connect() throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(address, 5_000);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    out = new BufferedOutputStream(socket.getOutputStream(), 8192);
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed by the server");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEADER_BYTES) {
        throw new IOException("answer header too large");
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    reset();
  }

  /** Drops the connection; the next submit opens a new one. */
  void reset() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
