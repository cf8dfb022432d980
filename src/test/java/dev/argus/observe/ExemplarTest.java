package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Latency observations carry the trace id of the sampled span they were made in, as OpenMetrics
 * exemplars. (Server spans come with the tracing issue; this shows the metrics side.)
 */
class ExemplarTest {
  @Test
  void latencyObservationsInASampledSpanCarryItsTraceId() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Metrics metrics = new Metrics(registry, "", 100, "test", "1.23.2");
    // SDK 1.67 hands out a no-op tracer when no span processor is registered.
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(new KeepNothing())
            .build()) {
      Tracer tracer = tracing.get("test");
      Span span = tracer.spanBuilder("request").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        metrics.httpStarted();
        metrics.httpFinished("POST", "/predict", 200, 12_000_000, 1000, null);
        metrics.inferenceSucceeded(
            "m",
            "1",
            new PhaseTimings(0, 1_000_000, 1_000_000, 1_000_000, 5_000_000, 1_000_000),
            1000);
      } finally {
        span.end();
      }

      String openMetrics = scrape(registry);

      String traceId = span.getSpanContext().getTraceId();
      assertThat(openMetrics)
          .containsPattern(
              "http_server_request_duration_seconds_bucket\\{[^}]*\\} 1 # \\{span_id=\"[0-9a-f]{16}\",trace_id=\""
                  + traceId
                  + "\"\\}")
          .containsPattern(
              "inference_request_duration_seconds_bucket\\{[^}]*\\} 1 # \\{[^}]*trace_id=\""
                  + traceId
                  + "\"\\}");
    }
  }

  @Test
  void observationsOutsideASpanCarryNoExemplar() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Metrics metrics = new Metrics(registry, "", 100, "test", "1.23.2");

    metrics.httpStarted();
    metrics.httpFinished("GET", "/health", 200, 100_000, 0, null);

    assertThat(scrape(registry)).doesNotContain("trace_id");
  }

  /** A processor that only makes the SDK record spans. */
  private static final class KeepNothing implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return true; // a processor that needs neither start nor end counts as none
    }
  }

  private static String scrape(PrometheusRegistry registry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OpenMetricsTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
