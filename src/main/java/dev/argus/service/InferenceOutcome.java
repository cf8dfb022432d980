package dev.argus.service;

import dev.argus.observe.Phase;
import dev.argus.observe.PhaseTimings;
import dev.argus.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one inference request ended, whatever the protocol: the one value {@link InferenceRecorder}
 * turns into metrics, SLO events, span attributes and phase spans, drift samples and the canonical
 * line's fields.
 *
 * @param outcome {@code success}, or the failure's outcome label ({@link #outcomeOf})
 * @param failedIn the phase a failure ended, null on success
 * @param failure what failed, null on success
 * @param inputBytes the size of the encoded input
 * @param predictions a classifier's top-1 of each image, empty for tensor models
 * @param drift the drift features of the request (one sample per image), empty when drift is off
 */
record InferenceOutcome(
    String outcome,
    PhaseTimings timings,
    Phase failedIn,
    ArgusException failure,
    int batchSize,
    String inputShape,
    String outputShape,
    long inputBytes,
    List<Classification.Prediction> predictions,
    List<DriftSample> drift) {

  /** One set of drift features; {@code predictedClass} is null for tensor models. */
  record DriftSample(Map<String, Double> numeric, String predictedClass) {}

  static InferenceOutcome success(
      PhaseTimings timings,
      int batchSize,
      String inputShape,
      String outputShape,
      long inputBytes,
      List<Classification.Prediction> predictions,
      List<DriftSample> drift) {
    return new InferenceOutcome(
        "success",
        timings,
        null,
        null,
        batchSize,
        inputShape,
        outputShape,
        inputBytes,
        predictions,
        drift);
  }

  static InferenceOutcome failure(PhaseClock clock, ArgusException e) {
    Phase phase = clock.current();
    return new InferenceOutcome(
        outcomeOf(e), clock.stop(), phase, e, 0, "", "", 0, List.of(), List.of());
  }

  boolean succeeded() {
    return failure == null;
  }

  /** The {@code outcome} label of a failed request. */
  static String outcomeOf(ArgusException e) {
    return switch (e) {
      case ArgusException.InvalidInput x -> "invalid_input";
      case ArgusException.QueueFull x -> "rejected";
      case ArgusException.ShuttingDown x -> "rejected";
      case ArgusException.DeadlineExceeded x -> "timeout";
      case ArgusException.Cancelled x -> "cancelled";
      default -> "error";
    };
  }

  /** Shapes as the canonical line shows them: one tensor's shape, or {@code name shape} each. */
  static String shapes(Map<String, Tensor> tensors) {
    if (tensors.size() == 1) {
      return tensors.values().iterator().next().shape().toString();
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      sb.append(sb.isEmpty() ? "" : ", ")
          .append(e.getKey())
          .append(' ')
          .append(e.getValue().shape());
    }
    return sb.toString();
  }

  /** A tensor request's drift features: the mean of each numeric input. */
  static DriftSample inputMeans(Map<String, Tensor> inputs) {
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Object d = e.getValue().data();
      double sum = 0;
      int n = java.lang.reflect.Array.getLength(d);
      switch (d) {
        case float[] f -> {
          for (float v : f) {
            sum += v;
          }
        }
        case double[] f -> {
          for (double v : f) {
            sum += v;
          }
        }
        case long[] f -> {
          for (long v : f) {
            sum += v;
          }
        }
        case int[] f -> {
          for (int v : f) {
            sum += v;
          }
        }
        default -> {
          continue; // BYTES, BOOL, 8- and 16-bit types: no mean worth comparing
        }
      }
      if (n > 0) {
        means.put("input_" + e.getKey() + "_mean", sum / n);
      }
    }
    return new DriftSample(means, null);
  }
}
