package dev.qbi.runtime.local.api;

import dev.qbi.adapters.local.files.FilePayloadStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * {@code GET /download/<key>?expires=..&signature=..}: the pre-signed output link. No token: the
 * signature is the credential. A tampered or expired link gets 403 and no content.
 */
public final class DownloadService implements HttpService {
  static final String PREFIX = FilePayloadStore.DOWNLOAD_PREFIX;

  private final FilePayloadStore payloads;
  private final ApiMetrics metrics;

  public DownloadService(FilePayloadStore payloads, ApiMetrics metrics) {
    this.payloads = payloads;
    this.metrics = metrics;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/download/*", this::download);
  }

  private void download(ServerRequest req, ServerResponse res) {
    String key = req.path().path().substring(PREFIX.length());
    String expires = param(req, "expires");
    String signature = param(req, "signature");
    switch (payloads.verifyDownload(key, expires, signature)) {
      case EXPIRED -> Json.error(res, 403, "This download link has expired");
      case INVALID -> Json.error(res, 403, "This download link is not valid");
      case OK -> {
        Optional<byte[]> content = payloads.get(key);
        if (content.isEmpty()) {
          Json.error(res, 404, "The output no longer exists");
          return;
        }
        metrics.downloaded();
        res.header(HeaderNames.CONTENT_TYPE, Json.APPLICATION_JSON);
        res.header(HeaderNames.CACHE_CONTROL, "private, no-store");
        res.send(content.get());
      }
    }
  }

  private static String param(ServerRequest req, String name) {
    return req.query().contains(name) ? req.query().get(name) : null;
  }
}
