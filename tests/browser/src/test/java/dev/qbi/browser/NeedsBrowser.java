package dev.qbi.browser;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that drives {@link Browser}: reported as skipped, with the reason, where Chromium or
 * its driver is missing; run (and failed by {@link Browser#assumeInstalled}) when {@value
 * Browser#REQUIRE} is {@code 1}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NeedsBrowser.Condition.class)
@interface NeedsBrowser {

  /** Enabled when the browser is there or required. */
  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (Files.isExecutable(Browser.CHROMIUM) && Files.isExecutable(Browser.CHROMEDRIVER)) {
        return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed");
      }
      if ("1".equals(System.getenv(Browser.REQUIRE))) {
        return ConditionEvaluationResult.enabled(Browser.REQUIRE + "=1: missing is a failure");
      }
      return ConditionEvaluationResult.disabled(
          "skipped: the browser tests need "
              + Browser.CHROMIUM
              + " and "
              + Browser.CHROMEDRIVER
              + " (apt-get install chromium chromium-driver)");
    }
  }
}
