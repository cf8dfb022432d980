package dev.argus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven through
 * Selenium, with the outside network cut off: every host but loopback resolves to nothing, and
 * every connection that is not to loopback goes to a proxy on loopback that only notes it ({@link
 * #outsideRequests}) and hangs up, so nothing from outside ever arrives. Chromium's own background
 * calls (its clock, updates, search engine) meet the same proxy; what a page asked for is in the
 * performance log ({@link #requestedUrls}).
 */
public final class Browser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;
  private final ServerSocket tripwire;
  private final AtomicInteger outsideAttempts = new AtomicInteger();
  private final List<String> outsideRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread tripwireThread;

  private Browser(Path chromium, Path chromedriver) throws IOException {
    this.profile = Files.createTempDirectory("argus-chromium-");
    this.tripwire = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.tripwireThread =
        Thread.ofPlatform().daemon().name("browser-outside-tripwire").start(this::countOutside);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
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
        "--disable-default-apps",
        "--disable-client-side-phishing-detection",
        "--disable-domain-reliability",
        "--no-pings",
        "--disable-features=OptimizationHints,Translate,MediaRouter,AutofillServerCommunication",
        "--user-data-dir=" + profile,
        "--window-size=1280,900",
        // Loopback bypasses a proxy by default; everything else meets the tripwire.
        "--proxy-server=http://127.0.0.1:" + tripwire.getLocalPort(),
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
    options.setCapability(
        "goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL", LogType.PERFORMANCE, "ALL"));
    this.service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .withTimeout(Duration.ofSeconds(60))
            .build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
  }

  /**
   * Starts Chromium; under {@code CI=true} a missing binary fails the test, elsewhere it is skipped
   * with the command that installs it.
   */
  public static Browser start() {
    Path chromium = ExternalTools.require("chromium", "chromium chromium-driver");
    Path chromedriver = ExternalTools.require("chromedriver", "chromium chromium-driver");
    try {
      return new Browser(chromium, chromedriver);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /**
   * A wait that polls every 50 ms and tries again when the element it read was replaced meanwhile:
   * the console re-renders its figures on every poll, so an element found one moment can be gone
   * (stale) the next.
   */
  public WebDriverWait waiting(Duration atMost) {
    WebDriverWait wait = new WebDriverWait(driver, atMost, Duration.ofMillis(50));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /** Connections the page tried to open to anything but loopback. */
  public int outsideAttempts() {
    return outsideAttempts.get();
  }

  /** The first line each of those connections sent ({@code CONNECT host:443 ...}). */
  public List<String> outsideRequests() {
    return List.copyOf(outsideRequests);
  }

  /** The console's SEVERE messages since the last call: errors, failed loads, CSP refusals. */
  public List<String> consoleErrors() {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(e.getMessage());
      }
    }
    return errors;
  }

  /** Every URL the browser requested since the last call. */
  public List<String> requestedUrls() {
    List<String> urls = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try {
        JsonNode m = JSON.readTree(e.getMessage()).path("message");
        if (m.path("method").asText().equals("Network.requestWillBeSent")) {
          urls.add(m.at("/params/request/url").asText());
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return urls;
  }

  /** A PNG of the viewport. */
  public byte[] screenshot() {
    return driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES);
  }

  private void countOutside() {
    while (!tripwire.isClosed()) {
      try (Socket s = tripwire.accept()) {
        outsideAttempts.incrementAndGet();
        s.setSoTimeout(2000);
        byte[] line = new byte[200];
        int n = s.getInputStream().read(line);
        outsideRequests.add(n > 0 ? new String(line, 0, n).lines().findFirst().orElse("") : "");
      } catch (java.net.SocketTimeoutException e) {
        outsideRequests.add("(sent nothing)");
      } catch (IOException e) {
        if (!tripwire.isClosed()) {
          continue;
        }
        return; // closed
      }
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      try {
        tripwire.close();
        tripwireThread.join(5000);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleteTree(profile);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}
