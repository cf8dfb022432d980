package dev.argus.service;

import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LogContext;
import dev.argus.observe.Metrics;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.SloTracker;
import dev.argus.observe.Tracing;
import org.slf4j.MDC;

/**
 * Records each inference request once, from its {@link InferenceOutcome}, for every protocol alike:
 * the inference metrics, the SLO tracker, the drift monitor, the server span's attributes and phase
 * spans, and the fields of the canonical line (the request's {@link RequestRecord}).
 */
public final class InferenceRecorder {
  private final Metrics metrics;
  private final SloTracker slo;
  private final DriftMonitor drift;
  private final Tracing tracing;

  public InferenceRecorder(Metrics metrics, SloTracker slo, DriftMonitor drift, Tracing tracing) {
    this.metrics = metrics;
    this.slo = slo;
    this.drift = drift;
    this.tracing = tracing;
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

  /** The request for {@code model} ended as {@code outcome}. */
  void record(RequestRecord request, ServingModel model, InferenceOutcome outcome) {
    String name = model.name();
    String version = model.version();
    request.outcome(outcome.outcome(), outcome.timings());
    tracing.phases(request, outcome.timings(), outcome.failedIn(), outcome.failure());
    if (!outcome.succeeded()) {
      metrics.inferenceFailed(name, version, outcome.outcome());
      slo.failed(name, outcome.outcome());
      return;
    }
    metrics.inferenceSucceeded(name, version, outcome.timings(), outcome.inputBytes());
    slo.succeeded(name, outcome.timings().totalNanos() / 1e9);
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
