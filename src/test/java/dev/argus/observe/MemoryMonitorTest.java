package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MemoryMonitorTest {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicReference<MemoryMonitor.Reading> reading =
      new AtomicReference<>(new MemoryMonitor.Reading(100, 1000, 100, 1000));
  private final MemoryMonitor monitor =
      new MemoryMonitor(
          new Metrics(registry, "", 100, "t", "1").memoryPressure(), 0.9, reading::get);

  @Test
  void heapAboveThresholdIsPressureAndClearsWhenItFalls() {
    assertThat(monitor.check()).isFalse();
    assertThat(gauge()).isZero();

    reading.set(new MemoryMonitor.Reading(950, 1000, 100, 1000));
    assertThat(monitor.check()).isTrue();
    assertThat(gauge()).isEqualTo(1);

    reading.set(new MemoryMonitor.Reading(500, 1000, 100, 1000));
    assertThat(monitor.check()).isFalse();
    assertThat(gauge()).isZero();
  }

  @Test
  void residentMemoryAboveTheLimitIsPressure() {
    reading.set(new MemoryMonitor.Reading(100, 1000, 920, 1000));

    assertThat(monitor.check()).isTrue();
  }

  @Test
  void unknownLimitIsNotPressure() {
    reading.set(new MemoryMonitor.Reading(100, 1000, 5000, 0));

    assertThat(monitor.check()).isFalse();
  }

  @Test
  void realProcessReadingsAreSane() {
    MemoryMonitor.Reading r = MemoryMonitor.readProcess(0);

    assertThat(r.heapUsed()).isPositive();
    assertThat(r.rss()).isGreaterThan(r.heapUsed() / 4);
    assertThat(MemoryMonitor.residentBytes()).isPresent();
  }

  private double gauge() {
    return registry.scrape().stream()
        .filter(s -> s.getMetadata().getName().equals("argus_memory_pressure"))
        .map(s -> ((GaugeSnapshot) s).getDataPoints().get(0).getValue())
        .findFirst()
        .orElseThrow();
  }
}
