package dev.qbi.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Outputs read from a file holding what {@code aws cloudformation describe-stacks --output json}
 * prints: {@code {"Stacks": [{"StackName": ..., "Outputs": [{"OutputKey": ..., "OutputValue":
 * ...}]}]}}. One file may hold several stacks (describe-stacks without {@code --stack-name}).
 */
public final class RecordedStackOutputs implements StackOutputs {

  private final Path file;
  private final JsonNode root;

  public RecordedStackOutputs(Path file) {
    this.file = file;
    try {
      this.root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read recorded stack outputs " + file, e);
    }
    if (root == null || !root.path("Stacks").isArray()) {
      throw new IllegalStateException(file + " is not describe-stacks output: no Stacks array");
    }
  }

  @Override
  public Map<String, String> of(String stackName) {
    for (JsonNode stack : root.path("Stacks")) {
      if (stackName.equals(stack.path("StackName").asText())) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (JsonNode output : stack.path("Outputs")) {
          outputs.put(output.path("OutputKey").asText(), output.path("OutputValue").asText());
        }
        return outputs;
      }
    }
    throw new IllegalStateException("no stack named " + stackName + " in " + file);
  }
}
