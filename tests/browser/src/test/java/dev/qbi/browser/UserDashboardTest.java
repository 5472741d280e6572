package dev.qbi.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * A user's side of the dashboard in a real browser: signing in (also with the keyboard alone),
 * submitting a job and watching it complete without a reload, downloading its output, cancelling,
 * seeing none of another user's jobs, and the token kept out of URLs, resource names and the log.
 */
@NeedsBrowser
class UserDashboardTest {
  @TempDir static Path dataDir;
  static DashboardServer server;
  static Browser browser;
  static final List<String> tokens = new ArrayList<>();

  @BeforeAll
  static void start() {
    Browser.assumeInstalled();
    // a short lease: a cancelled job's worker learns of it at the next heartbeat (a third of it)
    server = DashboardServer.start(dataDir, b -> b.visibilityTimeout(Duration.ofSeconds(3)));
    tokens.add(server.newUser("alice@example.com"));
    tokens.add(server.newUser("bob@example.com"));
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

  @BeforeEach
  void signedOut() {
    browser.open(server.base() + "/dashboard");
    browser.script("sessionStorage.clear()");
    browser.open(server.base() + "/dashboard");
  }

  private void signIn(String username) {
    WebElement user = browser.byId("username");
    user.clear();
    user.sendKeys(username);
    browser.byId("password").sendKeys(DashboardServer.PASSWORD);
    browser.byId("signin-button").click();
    browser.await(d -> d.findElement(By.id("view-jobs")).isDisplayed());
  }

  private String submit(String body) {
    WebElement text = browser.byId("job-body");
    text.clear();
    text.sendKeys(body);
    browser.byId("submit-button").click();
    String result =
        browser.await(d -> submittedId(d.findElement(By.id("submit-result")).getText()));
    return result;
  }

  private static String submittedId(String text) {
    return text.startsWith("Submitted job ") ? text.substring(14, text.length() - 1) : null;
  }

  private String rowStatus(String jobId) {
    List<WebElement> rows = browser.all("#jobs-body tr[data-job-id='" + jobId + "']");
    return rows.isEmpty() ? null : rows.getFirst().getDomAttribute("data-status");
  }

  @Test
  void a_wrong_password_shows_an_error_and_stays_on_the_sign_in_form() {
    browser.byId("username").sendKeys("alice@example.com");
    browser.byId("password").sendKeys("not-the-password");
    browser.byId("signin-button").click();

    String error = browser.visibleText("signin-error");
    assertThat(error).containsIgnoringCase("incorrect username or password");
    assertThat(browser.byId("view-jobs").isDisplayed()).isFalse();
    assertThat(browser.script("return sessionStorage.getItem('qbi.session')")).isNull();
  }

  @Test
  void signing_in_with_the_keyboard_alone_reaches_the_jobs_view() {
    // the page puts the focus on the username; Tab moves to the password, Enter submits
    assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id"))
        .isEqualTo("username");
    new Actions(browser.driver)
        .sendKeys("alice@example.com")
        .sendKeys(Keys.TAB)
        .sendKeys(DashboardServer.PASSWORD)
        .sendKeys(Keys.ENTER)
        .perform();

    browser.await(d -> d.findElement(By.id("view-jobs")).isDisplayed());
    assertThat(browser.byId("who").getText()).isEqualTo("alice@example.com");
    // the focus moved on to the jobs, and Tab from there reaches the controls in order
    assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id"))
        .isEqualTo("jobs-title");
  }

  @Test
  void a_submitted_job_goes_to_complete_live_and_its_output_downloads() throws Exception {
    signIn("alice@example.com");
    browser.script("window.__notReloaded = true");

    String jobId = submit("{\"simulateDurationSeconds\": 1.5}");

    String first = browser.await(d -> rowStatus(jobId));
    assertThat(first).isIn("submitted", "processing");
    browser.await(d -> "complete".equals(rowStatus(jobId)));
    assertThat(browser.script("return window.__notReloaded === true")).isEqualTo(true);

    WebElement link =
        browser.await(
            d -> d.findElement(By.cssSelector("tr[data-job-id='" + jobId + "'] a.download")));
    String href = link.getDomAttribute("href");
    assertThat(href).contains("/download/");
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> output =
          http.send(
              HttpRequest.newBuilder(URI.create(href)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(output.statusCode()).isEqualTo(200);
      assertThat(output.body()).contains("\"weatherData\"");
    }
    // an announcement for the screen reader named the change
    assertThat(browser.byId("announcer").getDomAttribute("aria-live")).isEqualTo("polite");
  }

  @Test
  void a_running_job_can_be_cancelled_from_its_row() {
    signIn("alice@example.com");
    String jobId = submit("{\"simulateDurationSeconds\": 60}");

    WebElement cancel =
        browser.await(
            d -> d.findElement(By.cssSelector("tr[data-job-id='" + jobId + "'] button.cancel")));
    cancel.click();

    browser.await(d -> "cancelled".equals(rowStatus(jobId)));
    assertThat(browser.all("tr[data-job-id='" + jobId + "'] button.cancel")).isEmpty();
  }

  @Test
  void the_status_filter_shows_only_jobs_in_that_status() {
    signIn("alice@example.com");
    String done = submit("{}");
    browser.await(d -> "complete".equals(rowStatus(done)));
    String failed = submit("{\"simulateFailure\": \"boom\"}");
    browser.await(Duration.ofSeconds(20), d -> "failed".equals(rowStatus(failed)));

    new org.openqa.selenium.support.ui.Select(browser.byId("status-filter"))
        .selectByValue("failed");

    browser.await(d -> rowStatus(done) == null);
    assertThat(rowStatus(failed)).isEqualTo("failed");
    assertThat(browser.all("#jobs-body tr"))
        .allSatisfy(tr -> assertThat(tr.getDomAttribute("data-status")).isEqualTo("failed"));
  }

  @Test
  void another_user_sees_none_of_the_first_users_jobs() throws Exception {
    signIn("alice@example.com");
    String alicesJob = submit("{}");
    browser.await(d -> "complete".equals(rowStatus(alicesJob)));
    browser.byId("sign-out").click();
    browser.await(d -> d.findElement(By.id("view-signin")).isDisplayed());
    assertThat(browser.all("#jobs-body tr")).isEmpty();

    signIn("bob@example.com");
    String bobsJob = submit("{}");
    browser.await(d -> "complete".equals(rowStatus(bobsJob)));
    assertThat(browser.all("#jobs-body tr"))
        .extracting(tr -> tr.getDomAttribute("data-job-id"))
        .containsExactly(bobsJob);

    // Alice's job id typed into the filter gives nothing
    browser.byId("id-filter").sendKeys(alicesJob, Keys.ENTER);
    String empty = browser.visibleText("jobs-empty");
    assertThat(empty).isEqualTo("No job of yours has this id.");
    assertThat(browser.all("#jobs-body tr")).isEmpty();
    // ... and so does asking the API for it with Bob's token, from the page
    Object status =
        browser.driver.executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
                + "const s = JSON.parse(sessionStorage.getItem('qbi.session'));"
                + "fetch('job-status/' + arguments[0], {headers: {Authorization: s.token}})"
                + ".then(r => done(r.status));",
            alicesJob);
    assertThat(((Number) status).intValue()).isEqualTo(404);
  }

  @Test
  void the_token_is_never_in_the_url_resource_names_or_the_log() {
    signIn("alice@example.com");
    String jobId = submit("{}");
    browser.await(d -> "complete".equals(rowStatus(jobId)));
    browser.await(d -> !browser.all("tr[data-job-id='" + jobId + "'] a.download").isEmpty());
    String token =
        (String) browser.script("return JSON.parse(sessionStorage.getItem('qbi.session')).token");
    assertThat(token).isNotBlank();

    assertThat(browser.driver.getCurrentUrl()).doesNotContain(token);
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>)
            browser.script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                    + ".concat(performance.getEntriesByType('navigation').map(e => e.name))");
    assertThat(resources).isNotEmpty().noneMatch(name -> name.contains(token));
    assertThat(resources).anyMatch(name -> name.contains("/jobs?"));
    // nor the token's signature alone, nor any other user's
    String signature = token.substring(token.lastIndexOf('.') + 1);
    String log = server.log();
    assertThat(log).isNotEmpty().doesNotContain(signature);
    for (String other : tokens) {
      assertThat(log).doesNotContain(other.substring(other.lastIndexOf('.') + 1));
    }
    assertThat(browser.script("return document.cookie")).isEqualTo("");
  }

  @Test
  void signing_out_forgets_the_session_and_a_revoked_token_returns_to_sign_in() {
    signIn("alice@example.com");
    browser.byId("sign-out").click();
    browser.await(d -> d.findElement(By.id("view-signin")).isDisplayed());
    assertThat(browser.script("return sessionStorage.getItem('qbi.session')")).isNull();
    assertThat(browser.visibleText("notice")).contains("signed out");

    // a token the server no longer accepts (as after it expired): back to sign-in, with a message
    signIn("alice@example.com");
    browser.script(
        "const s = JSON.parse(sessionStorage.getItem('qbi.session'));"
            + "s.token = s.token.slice(0, -4) + 'AAAA';"
            + "sessionStorage.setItem('qbi.session', JSON.stringify(s));");
    browser.driver.navigate().refresh();
    browser.await(d -> d.findElement(By.id("view-signin")).isDisplayed());
    assertThat(browser.visibleText("notice")).contains("session has expired");
  }
}
