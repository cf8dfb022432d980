package dev.argus.observe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.argus.config.CaptureConfig;
import dev.argus.config.SloConfig;
import dev.argus.observe.Metrics;
import dev.argus.observe.RequestRecord;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestCaptureTest {
  @TempDir Path tmp;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Metrics metrics = new Metrics(registry, "", 10, "test", "test");

  private CaptureConfig config(double ratio, long maxRequestBytes, List<String> headers) {
    return new CaptureConfig(
        true,
        tmp.resolve("c").toString(),
        ratio,
        128L * 1024 * 1024,
        100,
        maxRequestBytes,
        Duration.ofMillis(100),
        headers);
  }

  private static RequestRecord record(int status, byte[] body) {
    RequestRecord r = RequestRecord.internal("r" + status);
    r.status(status);
    r.route("/v2/models/{model}/infer");
    r.requestBody(body);
    return r;
  }

  private double count(String reason, String result) {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getPrometheusName().equals("capture_requests"))
        .flatMap(s -> ((CounterSnapshot) s).getDataPoints().stream())
        .filter(d -> d.getLabels().get("reason").equals(reason))
        .filter(d -> d.getLabels().get("result").equals(result))
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static void offer(RequestCapture c, RequestRecord r, long nanos, Map<String, String> h) {
    c.offer(
        r, nanos, "/v2/models/m/infer", n -> Optional.ofNullable(h.get(n)), n -> Optional.empty());
  }

  @Test
  void choosesFailedThenSlowThenTheSampledShare() {
    try (RequestCapture c =
        RequestCapture.start(
            config(0, 1024, List.of()), new SloConfig(List.of()), metrics.capture())) {
      assertThat(c.reason(404, 1)).contains(RequestCapture.FAILED);
      assertThat(c.reason(503, 1)).contains(RequestCapture.FAILED);
      assertThat(c.reason(200, Duration.ofMillis(100).toNanos())).contains(RequestCapture.SLOW);
      assertThat(c.reason(200, Duration.ofMillis(99).toNanos())).isEmpty();
    }
    try (RequestCapture all =
        RequestCapture.start(
            config(1, 1024, List.of()), new SloConfig(List.of()), metrics.capture())) {
      assertThat(all.reason(200, 1)).contains(RequestCapture.SAMPLED);
    }
  }

  @Test
  void aRequestThatWouldOverfillTheQueueIsDroppedAndCounted() {
    int big = (int) RequestCapture.QUEUE_BYTES + 1;
    try (RequestCapture c =
        RequestCapture.start(
            config(0, big, List.of()), new SloConfig(List.of()), metrics.capture())) {
      offer(c, record(500, new byte[big]), 1, Map.of());
    }

    assertThat(count(RequestCapture.FAILED, "dropped")).isEqualTo(1);
    assertThat(count(RequestCapture.FAILED, "captured")).isZero();
  }

  @Test
  void keepsOnlyListedHeadersThatAreNoCredentials() throws Exception {
    Map<String, String> sent =
        Map.of(
            "authorization",
            "Bearer s3cret",
            "x-api-key",
            "k3y",
            "user-agent",
            "ua",
            "accept",
            "x");
    try (RequestCapture c =
        RequestCapture.start(
            config(0, 1024, List.of("authorization", "x-api-key", "user-agent")),
            new SloConfig(List.of()),
            metrics.capture())) {
      offer(c, record(400, "{}".getBytes()), 1, sent);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> count(RequestCapture.FAILED, "captured") == 1);
    }

    Path file;
    try (var files = Files.list(tmp.resolve("c"))) {
      file = files.findFirst().orElseThrow();
    }
    CapturedRequest back = CaptureFormat.read(Files.readAllBytes(file));
    assertThat(back.headers()).containsExactly(Map.entry("user-agent", "ua"));
  }

  @Test
  void theSlowThresholdDefaultsToTheSmallestLatencyObjective() {
    CaptureConfig zero =
        new CaptureConfig(false, "", 0, 1 << 20, 1, 1024, Duration.ZERO, List.of());
    SloConfig slo =
        new SloConfig(
            List.of(
                new SloConfig.Objective(
                    "a", "*", "latency", 0.99, Duration.ofMillis(500), Duration.ofDays(1)),
                new SloConfig.Objective(
                    "b", "m", "latency", 0.9, Duration.ofMillis(200), Duration.ofDays(1))));

    assertThat(RequestCapture.slowThreshold(zero, slo)).isEqualTo(Duration.ofMillis(200));
    assertThat(RequestCapture.slowThreshold(zero, new SloConfig(List.of())))
        .isEqualTo(Duration.ofSeconds(1));
  }
}
