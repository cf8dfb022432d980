package dev.argus.service;

import dev.argus.observe.PhaseTimings;
import java.util.List;

/**
 * The answer to one image classification request, with what the canonical log line reports: batch
 * size, the shapes of the model's input and score output for this request, phase times.
 */
public record Classification(
    String model,
    String version,
    List<Prediction> predictions,
    int batchSize,
    String inputShape,
    String outputShape,
    PhaseTimings timings) {
  public Classification {
    predictions = List.copyOf(predictions);
  }

  /** One class and its probability. */
  public record Prediction(String label, int classId, double confidence) {}

  /** The best prediction. */
  public Prediction top() {
    return predictions.get(0);
  }
}
