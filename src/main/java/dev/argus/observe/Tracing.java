package dev.argus.observe;

import dev.argus.config.TracingConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry for Argus. Off ({@code tracing.enabled: false}): a no-op API, no exporter, no
 * threads. On: the SDK from autoconfigure, so {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code
 * OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_SERVICE_NAME}, {@code OTEL_TRACES_SAMPLER[_ARG]},
 * {@code OTEL_RESOURCE_ATTRIBUTES} and {@code OTEL_BSP_*} work as operators expect, with
 * argus.yaml's values as defaults. Spans leave through the batch span processor, whose bounded
 * queue drops rather than blocks; what it drops, and what the exporter fails to deliver, is counted
 * ({@link #droppedSpans}).
 */
public final class Tracing implements AutoCloseable {
  /** Drop reasons, the {@code reason} label of {@code tracing_spans_dropped_total}. */
  public static final String QUEUE_FULL = "queue_full";

  public static final String EXPORT_FAILED = "export_failed";

  private static final AttributeKey<Double> DURATION_MS =
      AttributeKey.doubleKey("argus.duration_ms");
  private static final AttributeKey<String> EXCEPTION_TYPE =
      AttributeKey.stringKey("exception.type");

  /** Spans of undecided traces that tail sampling had no room to hold. */
  public static final String TAIL_BUFFER_FULL = "tail_buffer_full";

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final SdkTelemetry sdkTelemetry;
  private final boolean phaseSpans;
  private final TailSampler tail;
  // System.nanoTime() and the wall clock at one moment, to place phase spans measured with
  // nanoTime.
  private final long anchorNanoTime = System.nanoTime();
  private final long anchorEpochNanos = epochNanos(Instant.now());

  private Tracing(
      OpenTelemetry openTelemetry,
      OpenTelemetrySdk sdk,
      SdkTelemetry sdkTelemetry,
      boolean phaseSpans,
      TailSampler tail) {
    this.phaseSpans = phaseSpans;
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.sdkTelemetry = sdkTelemetry;
    this.tail = tail;
    this.tracer = openTelemetry.getTracer("dev.argus");
  }

  /** No tracing at all. */
  public static Tracing disabled() {
    return new Tracing(OpenTelemetry.noop(), null, null, false, null);
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
    defaults.put("otel.exporter.otlp.timeout", String.valueOf(config.exportTimeout().toMillis()));
    if (!config.endpoint().isEmpty()) {
      defaults.put("otel.exporter.otlp.endpoint", config.endpoint());
    }
    defaults.put("otel.traces.sampler", config.sampler());
    defaults.put("otel.traces.sampler.arg", String.valueOf(config.samplerArg()));
    // Sized for a server's request rate, not the SDK's defaults (2,048 queued, 512 a batch, every
    // 5 s), which drop most spans above a few thousand requests a second.
    defaults.put("otel.bsp.max.queue.size", String.valueOf(config.queueSize()));
    defaults.put("otel.bsp.max.export.batch.size", String.valueOf(config.exportBatchSize()));
    defaults.put("otel.bsp.schedule.delay", String.valueOf(config.scheduleDelay().toMillis()));
    defaults.put("otel.bsp.export.timeout", String.valueOf(config.exportTimeout().toMillis()));
    SdkTelemetry sdkTelemetry = new SdkTelemetry();
    TailSampler tail =
        config.tail().enabled() ? new TailSampler(config.tail(), System::nanoTime) : null;
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> defaults)
            // The SDK's own counters (spans dropped by the queue, exports that failed) are read
            // here and shown as Argus metrics; nothing else reads or exports them.
            .addMeterProviderCustomizer(
                (builder, properties) -> builder.registerMetricReader(sdkTelemetry))
            // Tail sampling (tracing.tail) records every request and decides at its end.
            .addSamplerCustomizer((sampler, p) -> tail == null ? sampler : Sampler.alwaysOn())
            .addSpanProcessorCustomizer(
                (processor, p) -> tail == null ? processor : tail.wrap(processor))
            .addResourceCustomizer((resource, properties) -> {
              var extra =
                  Attributes.builder()
                      .put(AttributeKey.stringKey("service.version"), version)
                      .put(AttributeKey.stringKey("host.name"), hostName());
              if (!config.environment().isEmpty()) {
                extra.put(AttributeKey.stringKey("deployment.environment"), config.environment());
              }
              // What OTEL_RESOURCE_ATTRIBUTES says wins over argus.yaml.
              return Resource.create(extra.build()).merge(resource);
            })
            .build()
            .getOpenTelemetrySdk();
    if (tail != null) {
      TailExemplars.install();
    }
    return new Tracing(sdk, sdk, sdkTelemetry, config.phaseSpans(), tail);
  }

  public boolean enabled() {
    return sdk != null;
  }

  public Tracer tracer() {
    return tracer;
  }

  /** Makes {@code span} current (with the tail sampler, for exemplars); close on this thread. */
  public Scope makeCurrent(Span span) {
    Context context = Context.current().with(span);
    return (tail == null ? context : context.with(TailExemplars.SAMPLER, tail)).makeCurrent();
  }

  /**
   * {@code span} if an exemplar may point to its trace, else an invalid context: under tail
   * sampling, only traces known to be kept.
   */
  public SpanContext exemplar(SpanContext span) {
    return tail == null || tail.keeps(span) ? span : SpanContext.getInvalid();
  }

  /** The tail sampler, when {@code tracing.tail.enabled}. */
  java.util.Optional<TailSampler> tail() {
    return java.util.Optional.ofNullable(tail);
  }

  /** W3C trace context: {@code traceparent} and {@code tracestate}. */
  public TextMapPropagator propagator() {
    return W3CTraceContextPropagator.getInstance();
  }

  /**
   * Records the phases of a request on its server span, back to back from {@code t.startNanos()}
   * with their measured durations: one span event per phase at the moment it began, with {@code
   * argus.duration_ms} (Jaeger shows them as the span's logs, in order), or, with {@code
   * tracing.phase_spans}, one child span per phase (a waterfall, at the price of a span each).
   * Compute is one of them: the model call as the request saw it (for a model that batches, the
   * linked batch span covers the same call). A phase that did not run is left out; {@code
   * failedIn}, when not null, is the phase {@code failure} ended, recorded with it. Only sampled
   * requests pay for this.
   */
  public void phases(RequestRecord request, PhaseTimings t, Phase failedIn, Throwable failure) {
    Span parent = request.span();
    if (sdk == null || !parent.getSpanContext().isSampled()) {
      return;
    }
    Context context = phaseSpans ? Context.root().with(parent) : null;
    long cursor = t.startNanos();
    for (Phase phase : Phase.values()) {
      long nanos = t.nanos(phase);
      boolean failed = phase == failedIn;
      if (nanos > 0 || failed) {
        if (context == null) {
          parent.addEvent(
              phase.label(),
              failed && failure != null
                  ? Attributes.of(
                      DURATION_MS, nanos / 1e6, EXCEPTION_TYPE, failure.getClass().getName())
                  : Attributes.of(DURATION_MS, nanos / 1e6),
              toEpochNanos(cursor),
              TimeUnit.NANOSECONDS);
        } else {
          phaseSpan(context, phase, cursor, nanos, failed ? failure : null);
        }
      }
      cursor += nanos;
      if (failed) {
        return;
      }
    }
  }

  private void phaseSpan(Context parent, Phase phase, long start, long nanos, Throwable failure) {
    Span span =
        tracer
            .spanBuilder(phase.label())
            .setParent(parent)
            .setStartTimestamp(toEpochNanos(start), TimeUnit.NANOSECONDS)
            .startSpan();
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end(toEpochNanos(start + nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * The batcher's observer: {@code delegate} (the metrics) plus, when tracing is on, one {@code
   * batch} span per batch, linked to the spans of its requests, each of which links back.
   */
  public InferenceObserver observer(InferenceObserver delegate) {
    return sdk == null ? delegate : new BatchSpans(delegate, this);
  }

  /**
   * Spans the tracer could not deliver, for {@code reason} {@link #QUEUE_FULL} or {@link
   * #EXPORT_FAILED}.
   */
  public long droppedSpans(String reason) {
    if (reason.equals(TAIL_BUFFER_FULL)) {
      return tail == null ? 0 : tail.bufferFull();
    }
    return sdkTelemetry == null ? 0 : sdkTelemetry.dropped(reason);
  }

  /** Sends what is queued now, waiting at most {@code timeoutMillis}. */
  public void flush(long timeoutMillis) {
    if (sdk != null) {
      sdk.getSdkTracerProvider().forceFlush().join(timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Flushes and stops the exporter, waiting at most a few seconds. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.shutdown().join(5, TimeUnit.SECONDS);
    }
  }

  private long toEpochNanos(long nanoTime) {
    return anchorEpochNanos + (nanoTime - anchorNanoTime);
  }

  private static long epochNanos(Instant now) {
    return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Batch spans around each batch the workers run; everything else goes to the delegate. */
  private record BatchSpans(InferenceObserver delegate, Tracing tracing)
      implements InferenceObserver {
    @Override
    public void dequeued(String model, String version, long queueNanos) {
      delegate.dequeued(model, version, queueNanos);
    }

    @Override
    public void rejected(String model, String version, String reason) {
      delegate.rejected(model, version, reason);
    }

    @Override
    public void expired(String model, String version, long queueNanos) {
      delegate.expired(model, version, queueNanos);
    }

    @Override
    public void batchExecuted(
        String model, String version, int size, long startNanos, long endNanos, boolean failed) {
      delegate.batchExecuted(model, version, size, startNanos, endNanos, failed);
    }

    @Override
    public void workerRestarted(String model, String version) {
      delegate.workerRestarted(model, version);
    }

    @Override
    public Object requestContext() {
      return Context.current();
    }

    @Override
    public BatchScope batchStarted(
        String model, String version, List<Object> requestContexts, boolean batching) {
      if (!batching && requestContexts.size() == 1) {
        return unbatched(requestContexts.get(0));
      }
      // A batch serves several traces, so it starts its own and links to each request's span.
      SpanBuilder builder =
          tracing
              .tracer
              .spanBuilder("batch " + model)
              .setNoParent()
              .setSpanKind(SpanKind.INTERNAL)
              .setAttribute("argus.model", model)
              .setAttribute("argus.model_version", version)
              .setAttribute("argus.batch_size", requestContexts.size());
      for (Object c : requestContexts) {
        SpanContext request =
            c instanceof Context ctx ? Span.fromContext(ctx).getSpanContext() : null;
        if (request != null && request.isValid()) {
          builder.addLink(request);
        }
      }
      Span span = builder.startSpan();
      SpanContext batch = span.getSpanContext();
      for (Object c : requestContexts) {
        if (c instanceof Context ctx) {
          Span.fromContext(ctx).addLink(batch);
        }
      }
      Scope scope = tracing.makeCurrent(span);
      if (batch.isValid()) {
        LogContext.putTrace(batch);
      }
      return failure -> {
        if (failure != null) {
          span.recordException(failure);
          span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }
        span.end();
        scope.close();
        LogContext.removeTrace();
      };
    }

    /**
     * A model that does not batch runs each request as its own call: a batch span would repeat the
     * request's own (half the spans per request to make, queue and export), so the request's server
     * span records the call as its {@code compute} phase ({@link #phases}) and the worker's lines
     * carry the request's trace.
     */
    private static BatchScope unbatched(Object requestContext) {
      SpanContext request =
          requestContext instanceof Context ctx
              ? Span.fromContext(ctx).getSpanContext()
              : SpanContext.getInvalid();
      if (!request.isValid()) {
        return BatchScope.NONE;
      }
      LogContext.putTrace(request);
      return failure -> LogContext.removeTrace();
    }
  }
}
