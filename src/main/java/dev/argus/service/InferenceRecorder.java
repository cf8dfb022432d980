package dev.argus.service;

import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LogContext;
import dev.argus.observe.Metrics;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.SloTracker;
import dev.argus.observe.Tracing;
import org.slf4j.MDC;

/**
 * Records each inference request once, from its {@link InferenceOutcome}, for every protocol alike
 * and whether or not its model exists: the inference metrics, the SLO tracker, Triton's statistics,
 * the drift monitor, the server span's attributes and phase spans, and the fields of the canonical
 * line (the request's {@link RequestRecord}).
 */
public final class InferenceRecorder {
  /** The {@code model} label of requests for a model that does not exist (no model has it). */
  public static final String UNKNOWN_MODEL = "(unknown)";

  private final Metrics metrics;
  private final SloTracker slo;
  private final DriftMonitor drift;
  private final Tracing tracing;
  private final InferenceStatistics statistics;

  public InferenceRecorder(
      Metrics metrics,
      SloTracker slo,
      DriftMonitor drift,
      Tracing tracing,
      InferenceStatistics statistics) {
    this.metrics = metrics;
    this.slo = slo;
    this.drift = drift;
    this.tracing = tracing;
    this.statistics = statistics;
  }

  /** Whether requests should compute drift features at all ({@code drift.enabled}). */
  boolean driftEnabled() {
    return drift.enabled();
  }

  /** The request's model is known: every later log line of the request names it. */
  void begin(RequestRecord request, ServingModel model) {
    request.model(model.name(), model.version());
    // The edge clears these when the request ends.
    MDC.put(LogContext.MODEL, model.name());
    MDC.put(LogContext.MODEL_VERSION, model.version());
  }

  /**
   * The request ended as {@code outcome}; {@code model} is null when no model was found for it
   * (unknown, unloaded, or a malformed name).
   */
  void record(RequestRecord request, ServingModel model, InferenceOutcome outcome) {
    record(
        request,
        model == null ? null : model.name(),
        model == null ? "" : model.version(),
        outcome);
  }

  /**
   * The failed request of a model that exists but does not serve ({@code name}, with the version it
   * has, or "" when none was found): counted under its name, not as unknown.
   */
  void recordNotServing(RequestRecord request, String name, String version, InferenceOutcome o) {
    request.model(name, version);
    MDC.put(LogContext.MODEL, name);
    MDC.put(LogContext.MODEL_VERSION, version);
    record(request, name, version, o);
  }

  private void record(
      RequestRecord request, String model, String version, InferenceOutcome outcome) {
    String name = model == null ? UNKNOWN_MODEL : model;
    request.outcome(outcome.outcome(), outcome.timings());
    tracing.phases(request, outcome.timings(), outcome.failedIn(), outcome.failure());
    if (!outcome.succeeded()) {
      metrics.inferenceFailed(name, version, outcome.outcome());
      String reason = outcome.rejectionReason();
      if (reason != null) {
        metrics.inferenceRejected(name, reason);
      }
      slo.failed(name, outcome.outcome());
      if (model != null) {
        statistics.failed(name, version, outcome.timings(), reason != null);
      }
      return;
    }
    metrics.inferenceSucceeded(name, version, outcome.timings(), outcome.inputBytes());
    slo.succeeded(name, outcome.timings().totalNanos() / 1e9);
    statistics.succeeded(name, version, outcome.timings());
    request.result(outcome.batchSize(), outcome.inputShape(), outcome.outputShape());
    for (Classification.Prediction p : outcome.predictions()) {
      metrics.prediction(name, version, p.label(), p.confidence());
    }
    if (outcome.predictions().size() == 1) {
      Classification.Prediction top = outcome.predictions().get(0);
      request.prediction(top.label(), top.confidence());
    }
    for (InferenceOutcome.DriftSample s : outcome.drift()) {
      drift.observe(name, s.numeric(), s.predictedClass());
    }
  }
}
