package dev.argus.replay;

import dev.argus.observe.capture.CaptureFormat;
import dev.argus.observe.capture.CapturedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Sends captured requests again (same method, path and query, kept headers and body) to a target,
 * at their original pace or as fast as {@code concurrency} requests in flight allow, and compares
 * each answer with the captured one.
 */
final class Replayer {
  /** When each request is sent. */
  enum Pace {
    /** As captured: the gaps between arrivals are kept (at most {@code concurrency} in flight). */
    ORIGINAL,
    /** As soon as one of the {@code concurrency} slots is free. */
    FAST
  }

  /**
   * What became of one captured request.
   *
   * @param status the replay's status, or -1 when it got no answer (then {@code note} says why)
   * @param diff null when the request was skipped
   */
  record Result(
      String file,
      CapturedRequest captured,
      int status,
      double replayMs,
      boolean skipped,
      Comparison.Diff diff,
      String note) {
    boolean changed() {
      return !skipped && (status < 0 || diff.changed());
    }
  }

  /** Headers the HTTP client sets itself, and how the body was stored (decoded). */
  private static final Set<String> NOT_SENT =
      Set.of(
          "content-length",
          "host",
          "connection",
          "expect",
          "upgrade",
          "transfer-encoding",
          "content-encoding",
          "traceparent",
          "tracestate");

  /** The target without a trailing slash: captured paths are appended to it. */
  private final String base;

  private final Pace pace;
  private final int concurrency;
  private final Duration timeout;
  private final double tolerance;

  Replayer(URI target, Pace pace, int concurrency, Duration timeout, double tolerance) {
    this.base = target.toString().replaceAll("/+$", "");
    this.pace = pace;
    this.concurrency = concurrency;
    this.timeout = timeout;
    this.tolerance = tolerance;
  }

  List<Result> run(List<Selection.Selected> selected) throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    List<Future<Result>> pending = new ArrayList<>();
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      long startNanos = System.nanoTime();
      long firstMillis = selected.isEmpty() ? 0 : selected.getFirst().timeMillis();
      for (Selection.Selected s : selected) {
        if (pace == Pace.ORIGINAL) {
          long dueNanos = startNanos + (s.timeMillis() - firstMillis) * 1_000_000L;
          long waitNanos = dueNanos - System.nanoTime();
          if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
          }
        }
        slots.acquire();
        pending.add(
            workers.submit(() -> {
              try {
                return replay(client, s);
              } finally {
                slots.release();
              }
            }));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : pending) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("replaying failed", e.getCause());
        }
      }
      return results;
    }
  }

  private Result replay(HttpClient client, Selection.Selected s) {
    String file = s.file().getFileName().toString();
    CapturedRequest c;
    try {
      c = CaptureFormat.read(Files.readAllBytes(s.file()));
    } catch (IOException | IllegalArgumentException e) {
      return new Result(
          file, null, -1, Double.NaN, true, null, "unreadable now: " + e.getMessage());
    }
    if (!c.protocol().equals("http")) {
      return new Result(file, c, -1, Double.NaN, true, null, c.protocol() + " is not replayed");
    }
    if (c.body().truncated()) {
      return new Result(
          file,
          c,
          -1,
          Double.NaN,
          true,
          null,
          "body cut at capture.max_request_bytes: not replayed");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + c.path()))
            .timeout(timeout)
            .method(c.method(), HttpRequest.BodyPublishers.ofByteArray(c.body().bytes()));
    c.headers()
        .forEach((name, value) -> {
          if (!NOT_SENT.contains(name)) {
            request.header(name, value);
          }
        });
    long start = System.nanoTime();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return new Result(file, c, -1, Double.NaN, false, null, "no answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(file, c, -1, Double.NaN, false, null, "interrupted");
    }
    double ms = (System.nanoTime() - start) / 1e6;
    Comparison.Diff diff =
        Comparison.compare(
            c,
            new Comparison.Answer(
                response.statusCode(),
                response.headers().firstValue("inference-header-content-length"),
                response.body()),
            tolerance);
    return new Result(file, c, response.statusCode(), ms, false, diff, diff.note());
  }
}
