package dev.qbi.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The deployment files at the repository root, parsed once per test class. */
final class Repo {

  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Repo() {}

  static Path root() {
    String configured = System.getProperty("qbi.repo.root");
    Path root = configured != null ? Path.of(configured) : Path.of("..");
    root = root.toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("template.yaml"))) {
      throw new IllegalStateException("no template.yaml under " + root);
    }
    return root;
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }

  static String text(String relative) {
    try {
      return Files.readString(file(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + relative, e);
    }
  }

  static JsonNode json(String relative) {
    try {
      return JSON.readTree(text(relative));
    } catch (IOException e) {
      throw new IllegalStateException(relative + " is not valid JSON", e);
    }
  }

  static SamTemplate template() {
    return new SamTemplate(CfnYaml.loadMap(file("template.yaml")));
  }

  static Map<String, Object> cognito() {
    return CfnYaml.loadMap(file("cognito.yaml"));
  }

  static Map<String, Object> api() {
    return CfnYaml.loadMap(file("api.yaml"));
  }

  /** lambda-env.json: handler class name to the environment variables it reads. */
  static Map<String, List<String>> lambdaEnv() {
    try {
      return JSON.readValue(
          text("lambda-env.json"), new TypeReference<LinkedHashMap<String, List<String>>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("lambda-env.json is not a map of lists", e);
    }
  }
}
