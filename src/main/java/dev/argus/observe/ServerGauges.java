package dev.argus.observe;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The metrics read at scrape time from the components that hold the state: queue depths, SLO
 * windows, drift verdicts, spans the tracer dropped. Registered once those components exist, so
 * nothing is wired back into {@link Metrics} later; the request path never touches these.
 */
public final class ServerGauges {
  /** A model's queue, read at scrape time. */
  public record QueueReading(String model, String version, int depth, int capacity) {}

  private final MetricFactory f;

  private ServerGauges(PrometheusRegistry registry, String prefix) {
    this.f = new MetricFactory(registry, prefix);
  }

  /**
   * Registers the gauges that read {@code queues}, {@code slo}, {@code drift} and {@code tracing}.
   */
  public static ServerGauges register(
      PrometheusRegistry registry,
      String prefix,
      Supplier<List<QueueReading>> queues,
      SloTracker slo,
      DriftMonitor drift,
      Tracing tracing) {
    ServerGauges g = new ServerGauges(registry, prefix);
    g.queueGauge(
        "inference_queue_depth",
        "Requests waiting in a model's batch queue.",
        queues,
        QueueReading::depth);
    g.queueGauge(
        "inference_queue_capacity",
        "Most requests a model's batch queue holds before refusing (queue_capacity).",
        queues,
        QueueReading::capacity);
    g.sloGauges(slo);
    g.driftGauges(drift);
    CounterWithCallback.builder()
        .name(g.f.named("tracing_spans_dropped_total"))
        .help(
            "Spans that never reached the trace backend: queue_full (the exporter queue was full),"
                + " export_failed (the OTLP endpoint refused, failed or timed out) or"
                + " tail_buffer_full (tail sampling had no room to hold them).")
        .labelNames("reason")
        .callback(cb -> {
          cb.call(tracing.droppedSpans(Tracing.QUEUE_FULL), Tracing.QUEUE_FULL);
          cb.call(tracing.droppedSpans(Tracing.EXPORT_FAILED), Tracing.EXPORT_FAILED);
          cb.call(tracing.droppedSpans(Tracing.TAIL_BUFFER_FULL), Tracing.TAIL_BUFFER_FULL);
        })
        .register(registry);
    CounterWithCallback.builder()
        .name(g.f.named("log_events_dropped_total"))
        .help(
            "Log events dropped because the log writer's queue (logging.queue_size) was full;"
                + " requests never wait for the log.")
        .callback(cb -> cb.call(AsyncLog.dropped()))
        .register(registry);
    g.tailSampling(tracing);
    return g;
  }

  /** Names of these metrics as exposed (counters with {@code _total}), for docs checks. */
  public List<String> names() {
    return f.names();
  }

  private void tailSampling(Tracing tracing) {
    CounterWithCallback.builder()
        .name(f.named("tracing_tail_traces_total"))
        .help(
            "Traces tail sampling decided at the end of their request: kept (error, client_error,"
                + " slow, caller_sampled, ratio) or dropped (none: no rule kept it; expired: its"
                + " request never ended).")
        .labelNames("decision", "reason")
        .callback(cb -> {
          for (TailRules.Reason r : TailRules.Reason.values()) {
            cb.call(tracing.tail().map(t -> t.traces(r)).orElse(0L), r.decision(), r.label);
          }
        })
        .register(f.registry());
    f.callbackGauge(
        "tracing_tail_buffered_spans",
        "Spans tail sampling holds now until their requests end (at most"
            + " tracing.tail.max_buffered_spans).",
        cb -> cb.call(tracing.tail().map(TailSampler::buffered).orElse(0)));
  }

  private void driftGauges(DriftMonitor drift) {
    f.callbackGauge(
        "drift_score",
        "Drift statistic of each feature against the model's reference: KS D, chi-square, or PSI.",
        cb ->
            each(
                drift,
                (m, r) -> {
                  cb.call(r.score(), m, r.feature(), r.test());
                  if (r.psi() != null) {
                    cb.call(r.psi(), m, r.feature(), "psi");
                  }
                }),
        "model",
        "feature",
        "test");
    f.callbackGauge(
        "drift_p_value",
        "p-value of the drift test of each feature (small: recent data unlike the reference).",
        cb -> each(drift, (m, r) -> cb.call(r.pValue(), m, r.feature())),
        "model",
        "feature");
    f.callbackGauge(
        "drift_detected",
        "1 while a feature of the model is in drift (p below drift.p_value; for classes, PSI too).",
        cb -> each(drift, (m, r) -> cb.call(r.detected() ? 1 : 0, m, r.feature())),
        "model",
        "feature");
  }

  private static void each(DriftMonitor drift, BiConsumer<String, DriftMonitor.FeatureResult> f) {
    drift.results().forEach((m, list) -> list.forEach(r -> f.accept(m, r)));
  }

  private void sloGauges(SloTracker slo) {
    f.callbackGauge(
        "slo_sli_ratio",
        "Good events ÷ valid events of each objective over each window (1 with no events).",
        cb ->
            slo.statuses()
                .forEach(st -> st.sli().forEach((w, v) -> cb.call(v, st.objective().name(), w))),
        "slo",
        "window");
    f.callbackGauge(
        "slo_error_budget_remaining_ratio",
        "Share of the error budget left over the objective's window (negative: overspent).",
        cb ->
            slo.statuses().forEach(st -> cb.call(st.budgetRemainingRatio(), st.objective().name())),
        "slo");
    f.callbackGauge(
        "slo_burn_rate",
        "How fast the error budget burns over each window: 1 spends it exactly in the objective's window.",
        cb ->
            slo.statuses()
                .forEach(
                    st -> st.burnRate().forEach((w, v) -> cb.call(v, st.objective().name(), w))),
        "slo",
        "window");
  }

  private void queueGauge(
      String name,
      String help,
      Supplier<List<QueueReading>> queues,
      ToIntFunction<QueueReading> value) {
    f.callbackGauge(
        name,
        help,
        cb -> queues.get().forEach(q -> cb.call(value.applyAsInt(q), q.model(), q.version())),
        "model",
        "version");
  }
}
