package dev.qbi.browser;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.JobApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;

/**
 * Not a test: writes the README's pictures of the dashboard, {@code dashboard.png} (a user's jobs)
 * and {@code dashboard-admin.png} (the admin view after three minutes of varied load), into the
 * folder named by {@code -Dqbi.screenshots=<dir>}. Skipped without it. Run once by hand:
 *
 * <pre>
 * mvn -B -pl tests/browser -am verify -Dtest=DashboardScreenshots \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dqbi.screenshots=$PWD/docs
 * </pre>
 */
@EnabledIfSystemProperty(named = "qbi.screenshots", matches = ".+")
class DashboardScreenshots {
  @TempDir Path dataDir;

  @Test
  void write_the_pictures() throws Exception {
    Path out = Path.of(System.getProperty("qbi.screenshots"));
    Files.createDirectories(out);
    try (DashboardServer server =
            DashboardServer.start(dataDir, b -> b.maxReceiveCount(2).workers(2));
        Browser browser = Browser.start()) {
      JobApiClient user = server.client.withToken(server.newUser("alice@example.com"));
      Random random = new Random(42);
      long end = System.nanoTime() + Duration.ofSeconds(200).toNanos();
      int i = 0;
      while (System.nanoTime() < end) {
        // waves of load: a quiet start, a burst, a slower tail
        double phase = (double) (end - System.nanoTime()) / Duration.ofSeconds(200).toNanos();
        int batch = phase > 0.75 ? 1 : phase > 0.35 ? 6 : 3;
        for (int k = 0; k < batch; k++) {
          double seconds = 0.2 + random.nextDouble() * (phase > 0.35 ? 4 : 1.5);
          user.submit(
              (i++ == 40 || i == 400 || i == 700)
                  ? "{\"simulateFailure\": \"upstream weather API answered 503\"}"
                  : String.format("{\"simulateDurationSeconds\": %.2f}", seconds));
        }
        Thread.sleep(1000);
      }
      // the user's own page: a few jobs of each kind
      String cancelled = user.submit("{\"simulateDurationSeconds\": 120}");
      user.submit("{\"simulateFailure\": \"station id 'XX-000' is unknown\"}");
      user.submit("{\"simulateDurationSeconds\": 0.3}");
      Thread.sleep(300);
      user.cancel(cancelled);
      for (int k = 0; k < 3; k++) {
        user.submit("{\"simulateDurationSeconds\": 30}");
      }
      Thread.sleep(1500);

      browser.driver.manage().window().setSize(new Dimension(1440, 900));
      browser.open(server.base() + "/dashboard");
      browser.byId("username").sendKeys("alice@example.com");
      browser.byId("password").sendKeys(DashboardServer.PASSWORD);
      browser.byId("signin-button").click();
      browser.await(d -> d.findElements(By.cssSelector("#jobs-body tr")).size() >= 10);
      browser.await(d -> !d.findElements(By.cssSelector("a.download")).isEmpty());
      Thread.sleep(500);
      Files.write(out.resolve("dashboard.png"), browser.driver.getScreenshotAs(OutputType.BYTES));

      browser.driver.manage().window().setSize(new Dimension(1440, 1240));
      AwsCredentials admin = server.adminCredentials();
      browser.open(server.base() + "/dashboard#admin");
      browser.byId("access-key").sendKeys(admin.accessKeyId());
      browser.byId("secret-key").sendKeys(admin.secretAccessKey());
      browser.byId("admin-button").click();
      browser.await(d -> !d.findElements(By.cssSelector("#dead-body tr")).isEmpty());
      browser.await(d -> !d.findElements(By.cssSelector("#chart-throughput polyline")).isEmpty());
      Thread.sleep(500);
      Files.write(
          out.resolve("dashboard-admin.png"), browser.driver.getScreenshotAs(OutputType.BYTES));
    }
  }
}
