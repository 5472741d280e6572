package dev.qbi.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The worker image's Dockerfile, parsed (Docker does not run where the tests run, so it is not
 * built here): a pinned base, a non-root user, an exec-form ENTRYPOINT that runs the server jar as
 * {@code serve --backend aws}, and a build context of the jar alone.
 */
class DockerfileTest {

  /** An exact version tag (e.g. 21.0.8_9-jre-noble) or a digest: never a moving tag. */
  private static final Pattern PINNED =
      Pattern.compile("[\\w./-]+(:\\d+\\.\\d+\\.\\d+[\\w.-]*)?(@sha256:[0-9a-f]{64})?");

  private final List<String[]> instructions = instructions(Repo.text("Dockerfile"));

  @Test
  void the_base_image_is_a_java_21_jre_pinned_to_an_exact_version_or_digest() {
    List<String> froms = arguments("FROM");
    assertThat(froms).hasSize(1);
    String image = froms.getFirst();
    assertThat(PINNED.matcher(image).matches()).as(image).isTrue();
    assertThat(image).as("pinned").matches(".*(:\\d+\\.\\d+\\.\\d+.*|@sha256:.*)");
    assertThat(image).startsWith("eclipse-temurin:21.").contains("-jre");
  }

  @Test
  void it_runs_as_a_non_root_user() {
    List<String> users = arguments("USER");
    assertThat(users).isNotEmpty();
    String user = users.getLast().split(":")[0];
    assertThat(user).isNotIn("root", "0");
    int lastUser = indexOfLast("USER");
    assertThat(indexOfLast("ENTRYPOINT")).isGreaterThan(lastUser);
  }

  @Test
  void the_entrypoint_runs_the_server_jar_with_the_aws_backend() throws IOException {
    List<String> entrypoint =
        Repo.JSON.readValue(arguments("ENTRYPOINT").getLast(), new TypeReference<>() {});
    assertThat(entrypoint.getFirst()).isEqualTo("java");
    int jar = entrypoint.indexOf("-jar");
    assertThat(jar).isPositive();
    assertThat(entrypoint.get(jar + 1)).endsWith("/ingest.jar");
    assertThat(entrypoint.subList(jar + 2, entrypoint.size()))
        .containsExactly("serve", "--backend", "aws");
    assertThat(arguments("COPY"))
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("runtimes/local/target/ingest.jar " + entrypoint.get(jar + 1)));
    assertThat(String.join("\n", arguments("ENV"))).contains("INGEST_ROLE=workers");
  }

  @Test
  void the_build_context_is_the_jar_alone() {
    List<String> rules =
        Repo.text(".dockerignore").lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertThat(rules).containsExactly("*", "!runtimes/local/target/ingest.jar");
  }

  private List<String> arguments(String keyword) {
    List<String> out = new ArrayList<>();
    for (String[] i : instructions) {
      if (i[0].equals(keyword)) {
        out.add(i[1]);
      }
    }
    return out;
  }

  private int indexOfLast(String keyword) {
    for (int i = instructions.size() - 1; i >= 0; i--) {
      if (instructions.get(i)[0].equals(keyword)) {
        return i;
      }
    }
    return -1;
  }

  /** Keyword and arguments of each instruction; comments dropped, continuations joined. */
  private static List<String[]> instructions(String dockerfile) {
    List<String[]> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      int space = text.indexOf(' ');
      out.add(
          new String[] {text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()});
    }
    return out;
  }
}
