package dev.argus.bench.jmh;

import dev.argus.observe.Metrics;
import dev.argus.observe.PhaseTimings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What metrics cost one successful prediction: everything the edge filter and the service record
 * for it (HTTP in progress, count, duration, size; inference count, total and five phase durations,
 * input size, predicted class, confidence). Single-threaded, and with 2 threads recording at once
 * (the contention on the shared counters and histograms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MetricsRecordingBenchmark {
  private static final String[] CLASSES = {"food", "report", "other"};
  private Metrics metrics;
  private int next;

  @Setup
  public void start() {
    metrics = new Metrics(new PrometheusRegistry(), "", 100, "bench", "1");
  }

  private void onePrediction(int i) {
    metrics.httpStarted();
    metrics.inferenceSucceeded(
        "image-triage",
        "1",
        new PhaseTimings(0, 900_000, 400_000 + i, 150_000, 4_000_000 + i, 20_000),
        18_000);
    metrics.prediction("image-triage", "1", CLASSES[i % 3], 0.7 + (i % 30) / 100.0);
    metrics.httpFinished("POST", "/predict", 200, 6_000_000 + i, 18_000, null);
  }

  @Benchmark
  public void onePredictionRecorded() {
    onePrediction(next++ & 0xffff);
  }

  @Benchmark
  @Threads(2)
  public void onePredictionRecordedBy2Threads() {
    onePrediction((int) (Thread.currentThread().threadId() & 0xffff));
  }
}
