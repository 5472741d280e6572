package dev.qbi.runtime.local.testing;

import dev.qbi.runtime.local.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ingest serve} in a child JVM that, on the command {@code hog} read from stdin, opens files
 * until the process has no descriptor left (a leak somewhere else than in connections), and on
 * {@code release} closes them again. Each command is acknowledged on stdout.
 */
public final class DescriptorHog {
  private DescriptorHog() {}

  public static void main(String[] args) throws Exception {
    Thread server = new Thread(() -> Main.main(args), "serve");
    server.setDaemon(true);
    server.start();
    List<FileChannel> hogged = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean hogging =
        new java.util.concurrent.atomic.AtomicBoolean();
    // while hogging, any descriptor the rest of the process frees is taken at once, so that the
    // next accept really finds none (not one freed by a log roll or a closed statement)
    Thread keeper =
        new Thread(
            () -> {
              while (true) {
                if (hogging.get()) {
                  try {
                    hogged.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
                    continue;
                  } catch (IOException stillNone) {
                    // nothing free: look again shortly
                  }
                }
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "hog-keeper");
    keeper.setDaemon(true);
    keeper.start();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("hog")) {
        try {
          while (true) {
            hogged.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
          }
        } catch (IOException noneLeft) {
          hogging.set(true);
          System.out.println("hogged " + hogged.size() + ": " + noneLeft.getMessage());
        }
      } else if (line.equals("release")) {
        hogging.set(false);
        synchronized (hogged) {
          for (FileChannel c : hogged) {
            c.close();
          }
        }
        System.out.println("released " + hogged.size());
        hogged.clear();
      }
      System.out.flush();
    }
    Runtime.getRuntime().halt(0);
  }
}
