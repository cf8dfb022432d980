package dev.argus.bench;

import dev.argus.observe.Metrics;
import dev.argus.observe.ModelMetrics;
import dev.argus.observe.PhaseTimings;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * /metrics render time with 1,000+ series: the Argus catalogue plus JVM metrics, filled as a busy
 * server with 20 models of 50 classes would fill it. Prints: SERIES FORMAT MEDIAN_MS P99_MS BYTES.
 *
 * <p>Run by bench/run.sh metrics: java -cp BENCH_CLASSPATH dev.argus.bench.MetricsRender ITERATIONS
 */
public final class MetricsRender {
  public static void main(String[] args) throws Exception {
    int iterations = Integer.parseInt(args[0]);
    PrometheusRegistry registry = new PrometheusRegistry();
    Metrics metrics = new Metrics(registry, "", 100, "bench", "1.23.2");
    ModelMetrics models = new ModelMetrics(registry, "");
    Metrics.registerJvm(registry);
    String[] routes = {"/predict", "/predict/{model}", "/health", "/readyz", "/metrics", "unmatched"};
    for (String route : routes) {
      for (int status : new int[] {200, 400, 404, 503}) {
        metrics.httpStarted();
        metrics.httpFinished("POST", route, status, 5_000_000, 1000, status == 200 ? null : "invalid_input");
      }
    }
    for (int m = 0; m < 20; m++) {
      for (int c = 0; c < 50; c++) {
        metrics.inferenceSucceeded(
            "model-" + m, "1", new PhaseTimings(0, 1_000_000, 1_000_000, 500_000, 3_000_000, 100_000), 50_000);
        metrics.prediction("model-" + m, "1", "class-" + c, 0.8);
      }
      metrics.inferenceFailed("model-" + m, "1", "timeout");
      metrics.batchExecuted("model-" + m, "1", 4, 0, 1, false);
      models.loaded("model-" + m, "1", 0.1, 0.01, 1_000_000, null);
    }
    MetricSnapshots snapshots = registry.scrape();
    long series =
        snapshots.stream().mapToLong(s -> s.getDataPoints().size()).sum();
    ExpositionFormats formats = ExpositionFormats.init();
    for (int warm = 0; warm < iterations; warm++) {
      formats.getPrometheusTextFormatWriter().write(new ByteArrayOutputStream(1 << 20), registry.scrape());
    }
    for (String format : new String[] {"text", "openmetrics", "protobuf"}) {
      double[] ms = new double[iterations];
      int bytes = 0;
      for (int i = 0; i < iterations; i++) {
        long start = System.nanoTime();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        MetricSnapshots s = registry.scrape();
        switch (format) {
          case "text" -> formats.getPrometheusTextFormatWriter().write(out, s);
          case "openmetrics" -> formats.getOpenMetricsTextFormatWriter().write(out, s);
          default -> formats.getPrometheusProtobufWriter().write(out, s);
        }
        ms[i] = (System.nanoTime() - start) / 1e6;
        bytes = out.size();
      }
      Arrays.sort(ms);
      System.out.printf("%d %s %.3f %.3f %d%n", series, format, ms[iterations / 2], ms[(int) (iterations * 0.99)], bytes);
    }
  }
}
