package dev.qbi.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qbi.client.AwsCredentials;
import dev.qbi.client.JobApiClient;
import dev.qbi.client.JobStatus;
import dev.qbi.client.SigV4Signer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The operator's side in a real browser: signing in with the admin key pair (the page signs every
 * request with SigV4 itself), the queue figures and charts, the dead letters with redrive and
 * purge, the settings; and the interactive API docs at {@code /docs}.
 */
@NeedsBrowser
class AdminDashboardTest {
  @TempDir static Path dataDir;
  static DashboardServer server;
  static Browser browser;
  static JobApiClient user;

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    // one delivery each: a failing attempt dead-letters the job at once
    server =
        DashboardServer.start(dataDir, b -> b.maxReceiveCount(1).retention(Duration.ofDays(7)));
    user = server.client.withToken(server.newUser("carol@example.com"));
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A job whose first attempt fails (so it is dead-lettered) and whose second succeeds. */
  private static String deadLetteredJob() throws Exception {
    String id = user.submit("{\"simulateFailureAttempts\": 1}");
    JobStatus status = user.awaitTerminal(id, Duration.ofSeconds(15), Duration.ofMillis(50));
    assertThat(status.status()).isEqualTo(JobStatus.FAILED);
    return id;
  }

  private void signInAsOperator(String accessKeyId, String secret) {
    browser.open(server.base() + "/dashboard#admin");
    browser.await(d -> d.findElement(By.id("admin-form")).isDisplayed());
    browser.byId("access-key").clear();
    browser.byId("access-key").sendKeys(accessKeyId);
    browser.byId("secret-key").clear();
    browser.byId("secret-key").sendKeys(secret);
    browser.byId("admin-button").click();
  }

  private List<String> deadLetterRows() {
    return browser.all("#dead-body tr").stream()
        .map(tr -> tr.getDomAttribute("data-job-id"))
        .toList();
  }

  @Test
  void a_wrong_secret_is_refused() {
    AwsCredentials admin = server.adminCredentials();
    signInAsOperator(admin.accessKeyId(), admin.secretAccessKey() + "x");

    assertThat(browser.visibleText("admin-error")).isEqualTo("Those credentials were refused.");
    assertThat(browser.byId("admin-panel").isDisplayed()).isFalse();
  }

  @Test
  void the_operator_sees_the_queue_and_redrives_and_purges_dead_letters() throws Exception {
    String redriven = deadLetteredJob();
    String purged = deadLetteredJob();
    AwsCredentials admin = server.adminCredentials();

    signInAsOperator(admin.accessKeyId(), admin.secretAccessKey());

    browser.await(d -> d.findElement(By.id("admin-panel")).isDisplayed());
    browser.await(d -> "2".equals(d.findElement(By.id("m-dead")).getText()));
    assertThat(browser.byId("m-queue").getText()).matches("\\d+");
    assertThat(browser.byId("m-inflight").getText()).matches("\\d+");
    browser.await(d -> deadLetterRows().size() == 2);
    assertThat(deadLetterRows()).containsExactlyInAnyOrder(redriven, purged);
    assertThat(browser.all("#chart-queue svg polyline, #chart-queue svg text")).isNotEmpty();
    assertThat(browser.byId("chart-latency").findElements(By.tagName("svg"))).hasSize(1);
    WebElement retention = browser.driver.findElement(By.cssSelector("dd[data-setting=retention]"));
    assertThat(retention.getText()).isEqualTo("7 d");

    // redrive one: its job runs again (second attempt succeeds) and leaves the list
    browser
        .driver
        .findElement(
            By.cssSelector("tr[data-job-id='" + redriven + "'] button[data-action=redrive]"))
        .click();
    assertThat(browser.visibleText("admin-result")).contains(redriven).contains("redriven");
    assertThat(user.awaitTerminal(redriven, Duration.ofSeconds(15), Duration.ofMillis(50)).status())
        .isEqualTo(JobStatus.COMPLETE);
    browser.await(d -> deadLetterRows().equals(List.of(purged)));

    // purge the other: a destructive action asks for a second press
    By purge = By.cssSelector("tr[data-job-id='" + purged + "'] button[data-action=purge]");
    browser.driver.findElement(purge).click();
    assertThat(browser.driver.findElement(purge).getText()).isEqualTo("Confirm: Purge");
    assertThat(deadLetterRows()).containsExactly(purged);
    browser.driver.findElement(purge).click();
    browser.await(d -> deadLetterRows().isEmpty());
    browser.await(d -> "0".equals(d.findElement(By.id("m-dead")).getText()));
    assertThat(browser.byId("dead-empty").isDisplayed()).isTrue();
    assertThat(server.server.deadLetters().depth()).isZero();
  }

  @Test
  void the_operator_pauses_and_resumes_the_workers() throws Exception {
    AwsCredentials admin = server.adminCredentials();
    signInAsOperator(admin.accessKeyId(), admin.secretAccessKey());
    browser.await(d -> "leasing".equalsIgnoreCase(d.findElement(By.id("workers-state")).getText()));

    browser.byId("workers-toggle").click();
    browser.await(d -> "paused".equalsIgnoreCase(d.findElement(By.id("workers-state")).getText()));
    assertThat(browser.byId("workers-toggle").getText()).isEqualTo("Resume workers");
    assertThat(workersState(admin)).contains("\"paused\":true");

    browser.byId("workers-toggle").click();
    browser.await(d -> "leasing".equalsIgnoreCase(d.findElement(By.id("workers-state")).getText()));
    assertThat(workersState(admin)).contains("\"paused\":false");
    String id = user.submit("{}");
    assertThat(user.awaitTerminal(id, Duration.ofSeconds(15), Duration.ofMillis(50)).status())
        .isEqualTo(JobStatus.COMPLETE);
  }

  /** {@code GET /admin/workers} as the server answers it, signed here. */
  private static String workersState(AwsCredentials admin) throws Exception {
    URI uri = URI.create(server.base() + "/admin/workers");
    HttpRequest.Builder req = HttpRequest.newBuilder(uri);
    new SigV4Signer(admin, "us-east-1", "ingest")
        .sign("GET", uri, Map.of(), new byte[0])
        .forEach(req::header);
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      return res.body().replace(" ", "");
    }
  }

  @Test
  void the_pages_signer_signs_exactly_as_the_java_signer() {
    browser.open(server.base() + "/dashboard#admin");
    AwsCredentials key =
        new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    Instant at = Instant.parse("2034-05-06T07:08:09Z");
    String host = URI.create(server.base()).getAuthority();
    @SuppressWarnings("unchecked")
    Map<String, String> fromPage =
        (Map<String, String>)
            browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "import('./dashboard/assets/sigv4.js').then(m => m.signHeaders("
                    + "{method: 'GET', path: '/admin/dead-letters/a%20b', "
                    + " query: m.canonicalQuery([['next', 'x/y=='], ['limit', '5']]), body: '',"
                    + " host: arguments[0]},"
                    + "{accessKeyId: arguments[1], secretAccessKey: arguments[2]},"
                    + "{region: 'us-east-1', service: 'ingest'}, new Date(arguments[3])))"
                    + ".then(done, e => done({error: String(e)}));",
                host, key.accessKeyId(), key.secretAccessKey(), at.toString());

    String emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    Map<String, String> fromJava =
        new SigV4Signer(key, "us-east-1", "ingest", Clock.fixed(at, ZoneOffset.UTC))
            .sign(
                "GET",
                URI.create(server.base() + "/admin/dead-letters/a%20b?limit=5&next=x%2Fy%3D%3D"),
                Map.of("x-amz-content-sha256", emptyHash),
                new byte[0]);
    assertThat(fromPage).doesNotContainKey("error");
    assertThat(fromPage.get("X-Amz-Date")).isEqualTo("20340506T070809Z");
    assertThat(fromPage.get("X-Amz-Content-Sha256")).isEqualTo(emptyHash);
    assertThat(fromPage.get("Authorization")).isEqualTo(fromJava.get("Authorization"));
  }

  @Test
  void the_api_docs_render_the_operations() {
    browser.driver.get(server.base() + "/docs");

    List<String> paths =
        browser.await(
            d -> {
              List<String> shown =
                  d.findElements(By.cssSelector(".opblock-summary-path")).stream()
                      .map(e -> e.getDomAttribute("data-path"))
                      .toList();
              return shown.size() > 5 ? shown : null;
            });
    assertThat(paths)
        .contains(
            "/submit-job-request",
            "/job-status/{jobId}",
            "/jobs",
            "/admin/dead-letters",
            "/admin/stats",
            "/dashboard");
  }
}
