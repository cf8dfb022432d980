package dev.argus.observe.capture;

import dev.argus.config.CaptureConfig;
import dev.argus.config.ConfigException;
import dev.argus.config.SloConfig;
import dev.argus.observe.CaptureMetrics;
import dev.argus.observe.Phase;
import dev.argus.observe.RequestRecord;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sampled request capture ({@code capture.*}): of the inference requests that end, keeps the failed
 * ones (4xx and 5xx), the slow ones and a {@code ratio} of the rest, with their answers, in a
 * bounded {@link CaptureStore}. The request's thread only decides and hands the request over (its
 * body by reference, cut to {@code capture.max_request_bytes}); one writer thread serialises and
 * writes. When the writer's bounded queue is full the request is dropped and counted: a capture
 * never blocks a request. As OpenTelemetry's {@code BatchSpanProcessor}: one worker, a bounded
 * queue, drops counted, every wait bounded.
 */
public final class RequestCapture implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RequestCapture.class);

  public static final String FAILED = "failed";
  public static final String SLOW = "slow";
  public static final String SAMPLED = "sampled";

  /** Requests waiting for the writer, at most. */
  static final int QUEUE_ENTRIES = 1024;

  /** Body bytes waiting for the writer, at most: what a capture may hold in memory. */
  static final long QUEUE_BYTES = 32L * 1024 * 1024;

  /** The answer's headers kept: what a replay needs to read the answer it is compared with. */
  private static final List<String> RESPONSE_HEADERS =
      List.of("content-type", "inference-header-content-length");

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private record Pending(CapturedRequest request, long bytes) {}

  private final boolean enabled;
  private final double ratio;
  private final long slowNanos;
  private final int maxRequestBytes;
  private final HeaderPolicy headers;
  private final CaptureMetrics metrics;
  private final CaptureStore store;
  private final ArrayBlockingQueue<Pending> queue;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong lastDropWarning = new AtomicLong(Long.MIN_VALUE / 2);
  private final Thread writer;
  private volatile boolean closing;
  private long sequence;

  private RequestCapture(
      CaptureConfig config, Duration slow, CaptureMetrics metrics, CaptureStore s) {
    this.enabled = s != null;
    this.ratio = config.ratio();
    this.slowNanos = slow.toNanos();
    this.maxRequestBytes = (int) Math.min(Integer.MAX_VALUE - 16, config.maxRequestBytes());
    this.headers = new HeaderPolicy(config.headers());
    this.metrics = metrics;
    this.store = s;
    this.queue = new ArrayBlockingQueue<>(enabled ? QUEUE_ENTRIES : 1);
    this.writer =
        enabled ? Thread.ofPlatform().name("argus-capture").daemon().unstarted(this::run) : null;
  }

  /** Capture off: {@link #enabled()} is false and nothing is ever written. */
  public static RequestCapture off(CaptureConfig config, CaptureMetrics metrics) {
    return new RequestCapture(config, Duration.ofDays(1), metrics, null);
  }

  /**
   * Starts capturing as {@code config} says ({@link #off} when it is not enabled), with the slow
   * threshold from {@code slo} unless {@code capture.slow_threshold} sets one.
   *
   * @throws ConfigException when {@code capture.dir} cannot be created, read or made owner-only
   */
  public static RequestCapture start(CaptureConfig config, SloConfig slo, CaptureMetrics metrics) {
    if (!config.enabled()) {
      return off(config, metrics);
    }
    Path dir = Path.of(config.dir()).toAbsolutePath().normalize();
    CaptureStore store;
    try {
      store = new CaptureStore(dir, config.maxBytes(), config.maxFiles());
    } catch (IOException | UnsupportedOperationException e) {
      throw new ConfigException(
          "capture.dir: "
              + config.dir()
              + " (expected: a directory Argus can create, read and make owner-only; "
              + e
              + ")",
          e);
    }
    Duration slow = slowThreshold(config, slo);
    RequestCapture capture = new RequestCapture(config, slow, metrics, store);
    for (int i = store.takeEvicted(); i > 0; i--) {
      metrics.evicted();
    }
    metrics.stored(store.bytes(), store.count());
    capture
        .headers
        .refused()
        .forEach(
            h -> log.warn("capture.headers: {} is never captured: it may hold a credential", h));
    log.info(
        "capture on: {} (ratio {}, slower than {} ms, failed requests), {} files / {} bytes there"
            + " already",
        dir,
        config.ratio(),
        slow.toMillis(),
        store.count(),
        store.bytes());
    capture.writer.start();
    return capture;
  }

  /** {@code capture.slow_threshold}, or the smallest latency objective's threshold, or 1s. */
  static Duration slowThreshold(CaptureConfig config, SloConfig slo) {
    if (!config.slowThreshold().isZero()) {
      return config.slowThreshold();
    }
    return slo.objectives().stream()
        .filter(SloConfig.Objective::latency)
        .map(SloConfig.Objective::threshold)
        .min(Comparator.naturalOrder())
        .orElse(Duration.ofSeconds(1));
  }

  public boolean enabled() {
    return enabled;
  }

  /** Why a request that ended with {@code status} after {@code nanos} is captured, if it is. */
  Optional<String> reason(int status, long nanos) {
    if (status >= 400) {
      return Optional.of(FAILED);
    }
    if (nanos >= slowNanos) {
      return Optional.of(SLOW);
    }
    if (ratio > 0 && ThreadLocalRandom.current().nextDouble() < ratio) {
      return Optional.of(SAMPLED);
    }
    return Optional.empty();
  }

  /**
   * Considers one inference request that has just been answered; captures it if it failed, was slow
   * or is sampled. Returns at once: the write happens on the capture's own thread.
   *
   * @param path the path and query the client sent
   * @param requestHeader the request's header of a (lower-case) name
   * @param responseHeader the answer's header of a name
   */
  public void offer(
      RequestRecord record,
      long durationNanos,
      String path,
      Function<String, Optional<String>> requestHeader,
      Function<String, Optional<String>> responseHeader) {
    if (!enabled || closing) {
      return;
    }
    Optional<String> reason = reason(record.status(), durationNanos);
    if (reason.isEmpty()) {
      return;
    }
    CapturedRequest captured =
        capture(record, reason.get(), durationNanos, path, requestHeader, responseHeader);
    long bytes = captured.body().stored() + captured.response().body().stored();
    if (queuedBytes.addAndGet(bytes) > QUEUE_BYTES || !queue.offer(new Pending(captured, bytes))) {
      queuedBytes.addAndGet(-bytes);
      metrics.request(reason.get(), "dropped");
      long now = System.nanoTime();
      long last = lastDropWarning.get();
      if (now - last > TimeUnit.MINUTES.toNanos(1) && lastDropWarning.compareAndSet(last, now)) {
        log.warn("capture: the writer is behind; requests are dropped (capture_requests_total)");
      }
    }
  }

  private CapturedRequest capture(
      RequestRecord record,
      String reason,
      long durationNanos,
      String path,
      Function<String, Optional<String>> requestHeader,
      Function<String, Optional<String>> responseHeader) {
    Map<String, String> kept = new LinkedHashMap<>();
    for (String name : headers.kept()) {
      requestHeader.apply(name).ifPresent(v -> kept.put(name, v));
    }
    Map<String, String> answerHeaders = new LinkedHashMap<>();
    for (String name : RESPONSE_HEADERS) {
      responseHeader.apply(name).ifPresent(v -> answerHeaders.put(name, v));
    }
    Map<String, Double> phases = new LinkedHashMap<>();
    record
        .timings()
        .ifPresent(t -> {
          for (Phase p : Phase.values()) {
            if (t.nanos(p) > 0) {
              phases.put(p.label(), t.nanos(p) / 1e6);
            }
          }
        });
    int status = record.status();
    SpanContext span = record.span().getSpanContext();
    long arrival = System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(durationNanos);
    return new CapturedRequest(
        arrival,
        record.requestId(),
        span.isValid() ? span.getTraceId() : "",
        record.protocol(),
        reason,
        record.method(),
        path,
        record.route(),
        record.model().orElse(""),
        record.version(),
        kept,
        record
            .requestBody()
            .map(b -> CapturedRequest.Body.of(b, maxRequestBytes))
            .orElse(CapturedRequest.Body.EMPTY),
        new CapturedRequest.Response(
            status,
            record
                .outcome()
                .orElseGet(() -> status < 400 ? "success" : record.errorType().orElse("error")),
            record.errorType().orElse(""),
            record.errorMessage(),
            answerHeaders,
            record
                .responseBody()
                .map(b -> CapturedRequest.Body.of(b, maxRequestBytes))
                .orElse(CapturedRequest.Body.EMPTY),
            record.prediction().orElse(""),
            record.confidence(),
            durationNanos / 1e6,
            phases,
            record.batchSize()));
  }

  private void run() {
    while (true) {
      Pending p;
      try {
        p = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (p == null) {
        if (closing) {
          return;
        }
        continue;
      }
      queuedBytes.addAndGet(-p.bytes());
      write(p.request());
    }
  }

  private void write(CapturedRequest r) {
    String result;
    try {
      byte[] json = CaptureFormat.write(r);
      result = store.write(CaptureFormat.fileName(r, sequence++), json) ? "captured" : "too_large";
    } catch (IOException | RuntimeException e) {
      log.warn("capture: writing request {} to {} failed", r.requestId(), store.dir(), e);
      result = "error";
    } catch (Throwable t) {
      // The writer survives anything (an OutOfMemoryError on one big entry): the next may fit.
      log.error("capture: writing request {} failed", r.requestId(), t);
      result = "error";
    }
    metrics.request(r.reason(), result);
    for (int i = store.takeEvicted(); i > 0; i--) {
      metrics.evicted();
    }
    metrics.stored(store.bytes(), store.count());
  }

  /** Writes what is queued (within 5 s), then stops the writer. */
  @Override
  public void close() {
    if (!enabled || closing) {
      return;
    }
    closing = true;
    try {
      writer.join(CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      writer.interrupt();
      log.warn("capture: {} requests were not written before the server stopped", queue.size());
    }
  }
}
