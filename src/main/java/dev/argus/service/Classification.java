package dev.argus.service;

import java.util.List;

/** The answer to one image classification request. */
public record Classification(
    String model,
    String version,
    List<Prediction> predictions,
    int batchSize,
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
