package dev.qbi.runtime.local.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * One operator command: calls the admin routes and reports. Exit codes: {@value #OK} done, {@value
 * #FAILED} refused or failed (server unreachable, not authorised, conflict, server error), {@value
 * #USAGE} bad usage (options, credentials file), {@value #NOT_FOUND} no such dead letter.
 */
abstract class AdminCall implements Callable<Integer> {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NOT_FOUND = 3;

  static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin AdminOptions options;

  /** The command's calls and output; returns the exit code. */
  abstract int run(AdminClient client, PrintWriter out) throws IOException, InterruptedException;

  @Override
  public final Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = "ingest " + spec.parent().name() + " " + spec.name() + ": ";
    AdminClient client;
    try {
      client = options.client();
    } catch (IllegalArgumentException e) {
      err.println(name + e.getMessage());
      return USAGE;
    }
    try {
      int code = run(client, out);
      out.flush();
      return code;
    } catch (Refused e) {
      String hint = "";
      if (e.status == 403 && !client.signs()) {
        hint =
            " (the request was not signed: no admin credentials at "
                + options.credentialsFile()
                + "; pass --admin-credentials FILE)";
      }
      err.println(name + e.getMessage() + hint);
      return e.status == 404 ? NOT_FOUND : FAILED;
    } catch (IOException e) {
      err.println(name + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return FAILED;
    } catch (IllegalArgumentException e) {
      err.println(name + e.getMessage());
      return USAGE;
    }
  }

  /** Sends, and gives the JSON answer of a 200; anything else is {@link Refused}. */
  JsonNode call(AdminClient client, String method, String path, Map<String, String> query)
      throws IOException, InterruptedException {
    AdminClient.Response answer = client.send(method, path, query);
    JsonNode body;
    try {
      body = answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IOException(
          "the server answered HTTP " + answer.status() + " with a body that is not JSON", e);
    }
    if (answer.status() != 200) {
      String message = body.path("message").asText(body.path("Error Message").asText(""));
      throw new Refused(
          answer.status(), "HTTP " + answer.status() + (message.isEmpty() ? "" : ": " + message));
    }
    return body;
  }

  /** Prints the JSON answer when {@code --json} was given; returns whether it did. */
  boolean printedJson(PrintWriter out, JsonNode body) throws IOException {
    if (!options.json) {
      return false;
    }
    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    return true;
  }

  /** The server said no. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
