package dev.argus.observe;

import dev.argus.config.TracingConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry for Argus. Off ({@code tracing.enabled: false}): a no-op API, no exporter, no
 * threads. On: the SDK from autoconfigure, so {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
 * OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER[_ARG]} and
 * {@code OTEL_RESOURCE_ATTRIBUTES} work as operators expect, with argus.yaml's values as defaults.
 * Spans leave through the batch span processor, whose bounded queue drops rather than blocks.
 */
public final class Tracing implements AutoCloseable {
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  /** No tracing at all. */
  public static Tracing disabled() {
    return new Tracing(OpenTelemetry.noop(), null);
  }

  public static Tracing create(TracingConfig config, String version) {
    if (!config.enabled()) {
      return disabled();
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.service.name", config.serviceName());
    defaults.put("otel.traces.exporter", "otlp");
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.exporter.otlp.protocol", config.protocol());
    if (!config.endpoint().isEmpty()) {
      defaults.put("otel.exporter.otlp.endpoint", config.endpoint());
    }
    defaults.put("otel.traces.sampler", config.sampler());
    defaults.put("otel.traces.sampler.arg", String.valueOf(config.samplerArg()));
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            .addResourceCustomizer((resource, properties) -> {
              var extra =
                  Attributes.builder().put(AttributeKey.stringKey("service.version"), version);
              if (!config.environment().isEmpty()) {
                extra.put(AttributeKey.stringKey("deployment.environment"), config.environment());
              }
              // What OTEL_RESOURCE_ATTRIBUTES says wins over argus.yaml.
              return Resource.create(extra.build()).merge(resource);
            })
            .build()
            .getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  public boolean enabled() {
    return sdk != null;
  }

  public Tracer tracer() {
    return openTelemetry.getTracer("dev.argus");
  }

  /** W3C trace context: {@code traceparent} and {@code tracestate}. */
  public TextMapPropagator propagator() {
    return W3CTraceContextPropagator.getInstance();
  }

  /** Flushes and stops the exporter, waiting at most a few seconds. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
