package dev.argus.transport.http.admin;

import dev.argus.service.ArgusException;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.HttpEdge;
import dev.argus.transport.http.Routes;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /admin/profile?seconds=N}: records a Java Flight Recorder profile of the running
 * server for N seconds (1..{@value #MAX_SECONDS}, default 10) with the JDK's {@code profile}
 * settings and answers the {@code .jfr} file. One recording at a time; another is 409.
 */
public final class Profiler implements Routes {
  static final int MAX_SECONDS = 120;
  private static final Logger log = LoggerFactory.getLogger(Profiler.class);
  private final AtomicBoolean running = new AtomicBoolean();

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.admin(
            Method.POST,
            "/admin/profile",
            "Record a Java Flight Recorder profile for ?seconds=N and download it (admin token)",
            this::profile));
  }

  private void profile(ServerRequest req, ServerResponse res) {
    int seconds = seconds(req.query().first("seconds").orElse("10"));
    if (!running.compareAndSet(false, true)) {
      throw new EdgeException.Conflict(
          "a profile is being recorded; one at a time (try again when it has finished)");
    }
    Path file = null;
    try {
      file = Files.createTempFile("argus-profile-", ".jfr");
      log.warn("recording a {} s JFR profile for an admin request", seconds);
      try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
        recording.setName("argus-admin-profile");
        recording.setMaxAge(Duration.ofSeconds(seconds + 5));
        recording.start();
        Thread.sleep(Duration.ofSeconds(seconds));
        recording.stop();
        recording.dump(file);
      }
      byte[] jfr = Files.readAllBytes(file);
      HttpEdge.record(req).bytesOut(jfr.length);
      res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
      res.header(
          HeaderNames.CONTENT_DISPOSITION,
          "attachment; filename=\"argus-" + Instant.now().getEpochSecond() + ".jfr\"");
      res.send(jfr);
    } catch (IOException e) {
      throw new UncheckedIOException("recording a profile", e);
    } catch (ParseException e) {
      throw new IllegalStateException("the JDK's 'profile' JFR settings do not parse", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } finally {
      running.set(false);
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.debug("could not delete {}", file, e);
        }
      }
    }
  }

  private static int seconds(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1 && n <= MAX_SECONDS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ArgusException.InvalidInput(
        "seconds: '" + text + "' (expected: 1.." + MAX_SECONDS + ")");
  }
}
