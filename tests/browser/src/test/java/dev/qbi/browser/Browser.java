package dev.qbi.browser;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium from the OS packages ({@code /usr/bin/chromium}, driven by {@code
 * /usr/bin/chromedriver}): both given explicitly, so Selenium never looks for or downloads a
 * browser or driver of its own. One per test class. Where they are missing the tests are skipped,
 * unless {@value #REQUIRE}{@code =1}.
 */
final class Browser implements AutoCloseable {
  /** Debian's Chromium; {@code -Dqbi.chromium=PATH} names another. */
  static final Path CHROMIUM = Path.of(System.getProperty("qbi.chromium", "/usr/bin/chromium"));

  /** Debian's chromedriver; {@code -Dqbi.chromedriver=PATH} names another. */
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("qbi.chromedriver", "/usr/bin/chromedriver"));

  static final String REQUIRE = "QBI_REQUIRE_BROWSER";
  static final Duration WAIT = Duration.ofSeconds(15);

  final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Skips the calling test class when Chromium or its driver is missing, unless {@value #REQUIRE}
   * is {@code 1} (CI), where that is a failure.
   */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (installed) {
      return;
    }
    String why =
        "the browser tests need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (apt-get install chromium chromium-driver)";
    if ("1".equals(System.getenv(REQUIRE))) {
      fail(why + ", and " + REQUIRE + "=1 requires them");
    }
    Assumptions.abort("skipped: " + why);
  }

  static Browser start() {
    assumeInstalled();
    Path profile;
    try {
      profile = Files.createTempDirectory("qbi-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1440,1000",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    return new Browser(driver, profile);
  }

  /** Loads {@code url} afresh (from a blank page: a new hash alone would not reload it). */
  void open(String url) {
    driver.get("about:blank");
    driver.get(url);
    await(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  <T> T await(Function<WebDriver, T> condition) {
    return await(WAIT, condition);
  }

  <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .until(condition);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** The text of the element {@code id} once it is visible and not empty. */
  String visibleText(String id) {
    return await(
        d -> {
          WebElement e = d.findElement(By.id(id));
          return e.isDisplayed() && !e.getText().isBlank() ? e.getText() : null;
        });
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      deleteQuietly(profile);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // a file Chromium still holds: the temp dir is cleaned up by the OS
                }
              });
    } catch (IOException e) {
      // nothing more to do
    }
  }
}
