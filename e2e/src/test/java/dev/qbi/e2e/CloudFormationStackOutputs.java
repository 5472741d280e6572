package dev.qbi.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/** Outputs read live with {@code DescribeStacks} (the deployed mode against AWS). */
public final class CloudFormationStackOutputs implements StackOutputs {

  private final CloudFormationClient cloudFormation;

  public CloudFormationStackOutputs(CloudFormationClient cloudFormation) {
    this.cloudFormation = cloudFormation;
  }

  @Override
  public Map<String, String> of(String stackName) {
    Stack stack =
        cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().stream()
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no stack named " + stackName));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (Output output : stack.outputs()) {
      outputs.put(output.outputKey(), output.outputValue());
    }
    return outputs;
  }
}
