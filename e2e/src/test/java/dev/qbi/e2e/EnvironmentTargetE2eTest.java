package dev.qbi.e2e;

/**
 * The suite against the environment's target: the local runtime started in-process by default; the
 * deployed stack named by {@code STACK_NAME} / {@code COGNITO_STACK_NAME} when they are set (see
 * docs/e2e.md).
 */
class EnvironmentTargetE2eTest extends JobApiScenarios {

  @Override
  E2eTarget openTarget() {
    return E2eTarget.fromEnvironment();
  }
}
