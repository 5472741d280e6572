package dev.qbi.runtime.local;

import java.util.Locale;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes java.util.logging (Helidon's) to SLF4J and picks the log format. */
final class Logging {
  private Logging() {}

  static void configure(String format) {
    String f = format == null ? "text" : format.toLowerCase(Locale.ROOT);
    if (!f.equals("text") && !f.equals("json")) {
      // one line and exit 2 (Main's handler of IllegalArgumentException)
      throw new IllegalArgumentException("--log-format must be text or json, not " + format);
    }
    // read by logback.xml before the first logger is created
    System.setProperty("ingest.log.format", f);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
