package dev.qbi.runtime.lambda.build;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.core.config.plugins.processor.PluginCache;
import org.apache.logging.log4j.core.config.plugins.processor.PluginProcessor;

/**
 * Build step (run by exec-maven-plugin before shading): log4j-core, log4j-layout-template-json and
 * powertools-logging-log4j each ship a {@code Log4j2Plugins.dat}, and a shaded jar can only hold
 * one. This merges every copy on the class path with log4j's own {@link PluginCache} into the file
 * named by the first argument; the shade configuration keeps the dependencies' copies out.
 */
public final class MergeLog4jPluginCaches {

  private MergeLog4jPluginCaches() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: MergeLog4jPluginCaches <output file>");
    }
    Path out = Path.of(args[0]);
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    List<URL> sources =
        Collections.list(loader.getResources(PluginProcessor.PLUGIN_CACHE_FILE)).stream()
            .filter(url -> !isOutput(url, out))
            .toList();
    PluginCache cache = new PluginCache();
    cache.loadCacheFiles(Collections.enumeration(sources));
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream os = Files.newOutputStream(out)) {
      cache.writeCache(os);
    }
    int plugins = cache.getAllCategories().values().stream().mapToInt(java.util.Map::size).sum();
    System.out.printf(
        "merged %d log4j plugin caches (%d plugins) into %s%n", sources.size(), plugins, out);
  }

  private static boolean isOutput(URL url, Path out) {
    try {
      return "file".equals(url.getProtocol())
          && Path.of(url.toURI()).toAbsolutePath().equals(out.toAbsolutePath());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return false;
    }
  }
}
