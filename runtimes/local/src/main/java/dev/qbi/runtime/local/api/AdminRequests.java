package dev.qbi.runtime.local.api;

import dev.qbi.runtime.local.api.AdminAccess.AdminRequest;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An {@link AdminRequest} from a Helidon request, for every route that checks {@link AdminAccess}.
 */
public final class AdminRequests {

  private AdminRequests() {}

  /**
   * @param body the request body as read (already bounded by the caller)
   */
  public static AdminRequest of(ServerRequest req, byte[] body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Header h : req.headers()) {
      headers
          .computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .addAll(h.allValues());
    }
    return new AdminRequest(
        req.prologue().method().text(),
        req.path().rawPath(),
        req.query().rawValue(),
        headers,
        body,
        req.remotePeer().address());
  }
}
