package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.argus.testing.Browser;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console and the API page in real headless Chromium against a real server: live figures after
 * real predictions, a failed request in the list within 2 s with its ids and trace link, hostile
 * text shown as text, 10 s of updates without a browser error, nothing fetched from outside the
 * server (the outside is cut off), and a real {@code POST /predict} sent from /docs.
 */
class ConsoleIT {
  private static final String TRACE_URL = "https://traces.example/trace/{trace_id}";
  private static final Path SCREENSHOTS =
      TestModels.projectRoot().resolve("target/console-screenshots");
  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() {
    browser = Browser.start();
    server =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of(
                "tracing.enabled", "true",
                "tracing.endpoint", "http://127.0.0.1:9",
                "console.trace_url", TRACE_URL));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @BeforeEach
  void forgetEarlierLogs() {
    browser.driver().manage().window().setSize(new Dimension(1280, 900));
    browser.driver().get("about:blank");
    browser.consoleErrors();
    browser.requestedUrls();
  }

  private static String base() {
    return server.uri("/").toString();
  }

  private static Path photo(String name) {
    return TestModels.bundledRepository().resolve("image-triage/test-images/" + name);
  }

  private static byte[] photoBytes() {
    try {
      return Files.readAllBytes(photo("meal_1.jpg"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> predict(String name) throws Exception {
    return server.postMultipart("/predict", Files.readAllBytes(photo(name)));
  }

  private static HttpResponse<String> failWith(String requestId) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/predict"))
            .header("Content-Type", "application/json")
            .header("X-Request-ID", requestId)
            .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"not base64!\"}")));
  }

  private void open(String hash) {
    browser.driver().get(base() + "console" + hash);
    browser
        .waiting(Duration.ofSeconds(20))
        .until(d ->
            Integer.parseInt(d.findElement(By.tagName("body")).getAttribute("data-updates")) > 0);
  }

  private Object js(String script) {
    return browser.driver().executeScript(script);
  }

  @Test
  void theOverviewShowsImageTriageWithANonZeroRateAfterRealPredictions() throws Exception {
    for (String p : new String[] {"meal_1.jpg", "report_1.jpg", "other_1.jpg", "meal_2.jpg"}) {
      assertThat(predict(p).statusCode()).isEqualTo(200);
    }
    open("#overview");

    By rate = By.cssSelector("[data-model='image-triage'] table.figures tbody tr td:nth-child(2)");
    String shown =
        browser
            .waiting(Duration.ofSeconds(10))
            .until(d -> {
              String text = d.findElement(rate).getText();
              return text.equals("0.00/s") || text.equals("–") ? null : text;
            });
    WebElement card = browser.driver().findElement(By.cssSelector("[data-model='image-triage']"));
    assertThat(shown).matches("\\d+\\.\\d\\d/s");
    assertThat(card.findElement(By.cssSelector("[data-role=state]")).getText()).isEqualTo("ready");
    assertThat(card.findElements(By.cssSelector(".charts svg"))).hasSize(3);
    assertThat(card.getText()).contains("p99", "availability", "drift:");
    // No admin token configured: no load or unload buttons.
    assertThat(card.findElements(By.cssSelector("button[data-action]"))).isEmpty();
    assertThat(browser.driver().findElement(By.id("ready")).getText()).isEqualTo("ready");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void aFailedRequestIsListedWithin2sWithItsRequestIdAndATraceLinkFromTheTemplate() {
    open("#requests?kind=failed");
    String id = "console-it-failed-" + System.nanoTime();

    HttpResponse<String> failed = failWith(id);
    assertThat(failed.statusCode()).isEqualTo(400);
    String traceId = failed.headers().firstValue("traceparent").orElseThrow().split("-")[1];

    By row = By.cssSelector("tr[data-request-id='" + id + "']");
    // The bound: in the list within 2 s of the answer (the page polls once a second).
    browser.waiting(Duration.ofSeconds(2)).until(ExpectedConditions.presenceOfElementLocated(row));
    WebElement tr = browser.driver().findElement(row);
    assertThat(tr.getText()).contains(id, "invalid_input", "400", "POST /predict");
    WebElement trace = tr.findElement(By.cssSelector("a.trace-link"));
    assertThat(trace.getAttribute("href")).isEqualTo(TRACE_URL.replace("{trace_id}", traceId));
    assertThat(trace.getText()).isEqualTo(traceId);

    tr.findElement(By.cssSelector("a.request-id")).click();
    browser
        .waiting(Duration.ofSeconds(5))
        .until(d ->
            d.findElement(By.id("detail")).isDisplayed()
                && d.findElement(By.id("detail")).getText().contains(id));
    assertThat(browser.driver().findElement(By.id("detail")).getText())
        .contains("invalid_input", traceId);
  }

  @Test
  void hostileRequestIdsModelNamesAndErrorsRenderAsText() {
    String hostileId = "<img src=x onerror=\"window.__pwned=1\">";
    HttpResponse<String> replaced = failWith(hostileId);
    String givenId = replaced.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(givenId).matches("[0-9a-f]{32}"); // refused at the edge, replaced
    String hostileModel = "<img src=x onerror=\"window.__pwned=2\">";
    HttpResponse<String> badModel =
        server.postBase64(
            "/predict/%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D2%22%3E", photoBytes());
    assertThat(badModel.body()).contains("window.__pwned=2");
    server.postJson("/v2/models/%3Cscript%3Ewindow.__pwned%3D3%3C%2Fscript%3E/infer", "{}");

    open("#requests?kind=failed");
    browser
        .waiting(Duration.ofSeconds(5))
        .until(d ->
            !d.findElements(By.cssSelector("tr[data-request-id='" + givenId + "']")).isEmpty());
    String table = browser.driver().findElement(By.id("request-table")).getText();
    assertThat(table).contains(hostileModel).contains("<script>window.__pwned=3</script>");
    assertThat(
            browser
                .driver()
                .findElements(By.cssSelector("#request-table img, #request-table script")))
        .isEmpty();

    // A hostile model name in a shared link's filter: the API refuses it, the page says so as text.
    String hashModel = "<img src=x onerror=window.__pwned=4>";
    browser
        .driver()
        .get(
            base()
                + "console#requests?model="
                + java.net.URLEncoder.encode(hashModel, java.nio.charset.StandardCharsets.UTF_8));
    browser
        .waiting(Duration.ofSeconds(10))
        .until(d -> d.findElement(By.id("requests-error")).isDisplayed());
    assertThat(browser.driver().findElement(By.id("requests-error")).getText())
        .contains("model: '" + hashModel + "' is not a valid model name");
    assertThat(browser.driver().findElements(By.cssSelector("main img, select img"))).isEmpty();
    assertThat(js("return typeof window.__pwned")).isEqualTo("undefined");
  }

  @Test
  void thePageKeepsUpdatingFor10sUnderLoadWithoutBrowserErrorsOrOutsideRequests() throws Exception {
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    Thread load =
        Thread.ofPlatform()
            .name("console-it-load")
            .start(() -> {
              String[] photos = {
                "meal_1.jpg", "report_1.jpg", "other_1.jpg", "meal_2.jpg", "report_2.jpg"
              };
              // Bounded in count and time: at most 600 requests, stopped by the test after ~12 s.
              for (int i = 0; loading.get() && i < 600; i++) {
                try {
                  if (i % 9 == 8) {
                    // A photo cut short: refused by the model's decoder (invalid_input).
                    byte[] whole = photoBytes();
                    server.postMultipart("/predict", Arrays.copyOf(whole, whole.length / 3));
                  } else if (i % 13 == 12) {
                    // A deadline no prediction can meet: the server's failure (timeout).
                    server.send(
                        HttpRequest.newBuilder(server.uri("/predict"))
                            .header("X-Request-Timeout-Ms", "1")
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "{\"image\": \""
                                        + Base64.getEncoder().encodeToString(photoBytes())
                                        + "\"}")));
                  } else {
                    predict(photos[i % photos.length]);
                  }
                  sent.incrementAndGet();
                } catch (Exception e) {
                  return;
                }
              }
            });
    try {
      open("#overview");
      long startUpdates = updates();
      Set<String> seen = new HashSet<>();
      long start = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> {
            seen.add(String.valueOf(js("return document.body.dataset.lastUpdate")));
            return System.nanoTime() - start >= Duration.ofSeconds(10).toNanos();
          });
      long updated = updates() - startUpdates;
      assertThat(updated).as("refreshes in 10 s").isGreaterThanOrEqualTo(6);
      assertThat(seen.size()).as("distinct update times seen").isGreaterThanOrEqualTo(6);
      assertThat(browser.driver().findElement(By.id("live")).getText()).startsWith("live");

      List<String> urls = browser.requestedUrls();
      long overviewCalls = urls.stream().filter(u -> u.contains("console/api/overview")).count();
      // At most once a second, with a second's slack at each end of the window.
      assertThat(overviewCalls).isLessThanOrEqualTo(13);
      assertThat(urls).allMatch(u -> u.startsWith(base()) || u.startsWith("data:"), "same origin");
      assertThat(browser.consoleErrors()).isEmpty();
      screenshot("console-overview.png", true);
      browser.driver().get(base() + "console#requests");
      browser
          .waiting(Duration.ofSeconds(10))
          .until(d -> !d.findElements(By.cssSelector("tr[data-kind]")).isEmpty());
      screenshot("console-requests.png", false);
    } finally {
      loading.set(false);
      load.join(Duration.ofSeconds(30));
    }
    assertThat(sent.get()).isPositive();
  }

  @Test
  void everyPageWorksWithTheOutsideNetworkCutOffAndAsksForNothingOutside() {
    for (String hash : new String[] {"#overview", "#requests", "#models"}) {
      open(hash);
    }
    browser
        .waiting(Duration.ofSeconds(10))
        .until(d -> !d.findElements(By.cssSelector("#model-details [data-model] table")).isEmpty());
    assertThat(browser.driver().findElement(By.id("model-details")).getText())
        .contains("FP32", "image_classifier", "reference:");
    browser.driver().get(base() + "docs");
    browser
        .waiting(Duration.ofSeconds(30))
        .until(d -> !d.findElements(By.cssSelector(".opblock")).isEmpty());

    List<String> urls = browser.requestedUrls();
    assertThat(urls).isNotEmpty().allMatch(u -> u.startsWith(base()) || u.startsWith("data:"));
    assertThat(browser.consoleErrors()).isEmpty();

    // The cut is real: a page that does reach out gets nothing, and the tripwire sees it try.
    browser.driver().get("about:blank");
    Object outcome =
        browser
            .driver()
            .executeAsyncScript(
                "const done = arguments[0];"
                    + "fetch('http://example.com/').then(() => done('reached'), () => done('blocked'));");
    assertThat(outcome).isEqualTo("blocked");
    assertThat(browser.outsideRequests()).anyMatch(line -> line.contains("example.com"));
  }

  @Test
  void onAPhoneTheConsoleFitsTheScreenWidth() {
    browser.driver().manage().window().setSize(new Dimension(390, 844));
    for (String hash : new String[] {"#overview", "#requests"}) {
      open(hash);
      Number overflow =
          (Number) js("return document.documentElement.scrollWidth - window.innerWidth");
      assertThat(overflow.intValue()).as(hash).isLessThanOrEqualTo(0);
    }
  }

  @Test
  void docsRendersTheApiAndSendsARealPredictFromThePage() {
    browser.driver().get(base() + "docs");
    var wait = browser.waiting(Duration.ofSeconds(30));
    WebElement op =
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.id("operations-default-post_predict")));
    assertThat(browser.driver().findElement(By.cssSelector(".info .title")).getText())
        .contains("Argus");
    op.findElement(By.cssSelector(".opblock-summary")).click();
    wait.until(d -> !op.findElements(By.cssSelector("button.try-out__btn")).isEmpty());
    op.findElement(By.cssSelector("button.try-out__btn")).click();
    WebElement file =
        wait.until(d ->
            op.findElements(By.cssSelector("input[type=file]")).stream().findFirst().orElse(null));
    file.sendKeys(photo("meal_1.jpg").toAbsolutePath().toString());
    op.findElement(By.cssSelector("button.execute")).click();

    WebElement status =
        wait.until(d ->
            op
                .findElements(By.cssSelector(".live-responses-table tbody .response-col_status"))
                .stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
    assertThat(status.getText()).startsWith("200");
    assertThat(
            op.findElement(By.cssSelector(".live-responses-table tbody .response-col_description"))
                .getText())
        .contains("\"prediction\": \"food\"", "request_id");
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void loadAndUnloadAppearWithAnAdminTokenAndWorkOnceItIsGiven() {
    String token = "console-it-admin-token-0123456789";
    try (TestServer admin =
        TestServer.start(TestModels.bundledRepository(), Map.of("admin.token", token))) {
      browser.driver().get(admin.uri("/console").toString());
      var wait = browser.waiting(Duration.ofSeconds(30));
      By unload = By.cssSelector("[data-model='image-triage'] button[data-action=unload]");
      wait.until(ExpectedConditions.elementToBeClickable(unload)).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-form")));
      browser.driver().findElement(By.id("token")).sendKeys(token);
      browser.driver().findElement(By.cssSelector("#token-form button")).click();

      wait.until(ExpectedConditions.elementToBeClickable(unload)).click();
      By state = By.cssSelector("[data-model='image-triage'] [data-role=state]");
      wait.until(ExpectedConditions.textToBe(state, "unloaded"));
      assertThat(admin.postMultipart("/predict", new byte[] {1}).statusCode()).isEqualTo(404);
      wait.until(
              ExpectedConditions.elementToBeClickable(
                  By.cssSelector("[data-model='image-triage'] button[data-action=load]")))
          .click();
      wait.until(ExpectedConditions.textToBe(state, "ready"));
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  private long updates() {
    return Long.parseLong(String.valueOf(js("return document.body.dataset.updates")));
  }

  /**
   * Keeps what the test run saw in target/console-screenshots; with {@code
   * UPDATE_DOC_SCREENSHOTS=true} also refreshes the one docs/console.md shows.
   */
  private static void screenshot(String name, boolean inDocs) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Path shot = SCREENSHOTS.resolve(name);
    Files.write(shot, browser.screenshot());
    if (inDocs && "true".equals(System.getenv("UPDATE_DOC_SCREENSHOTS"))) {
      Files.copy(
          shot,
          TestModels.projectRoot().resolve("docs").resolve(name),
          StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
