package dev.qbi.runtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qbi.runtime.local.cli.Streams;
import dev.qbi.runtime.local.testing.RunningServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * An operator command ({@code ingest dead-letters ...}, {@code ingest workers ...}) run in-process
 * against a running server (its endpoint and data dir appended), with its exit code and output.
 */
record AdminCli(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static AdminCli run(RunningServer running, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(
        List.of(
            "--endpoint",
            running.server.baseUrl().toString(),
            "--data-dir",
            running.server.settings().dataDir().toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(Streams.system())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new AdminCli(exit, out.toString(), err.toString());
  }

  JsonNode json() throws IOException {
    return JSON.readTree(out);
  }
}
