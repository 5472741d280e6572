package dev.qbi.e2e;

import java.util.Map;

/** Where the e2e suite reads a CloudFormation stack's outputs from. */
public interface StackOutputs {

  /**
   * The outputs of {@code stackName} as {@code OutputKey -> OutputValue}.
   *
   * @throws IllegalStateException when the stack does not exist or has no outputs
   */
  Map<String, String> of(String stackName);

  /** The value of one output, or a clear error naming the stack and the missing key. */
  default String required(String stackName, String outputKey) {
    String value = of(stackName).get(outputKey);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "stack " + stackName + " has no output " + outputKey + " (is it the right stack?)");
    }
    return value;
  }
}
