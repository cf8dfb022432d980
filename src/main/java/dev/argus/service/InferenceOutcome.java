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
 * @param outcome {@link #SUCCESS}, or the failure's outcome label ({@link #outcomeOf})
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
    Throwable failure,
    int batchSize,
    String inputShape,
    String outputShape,
    long inputBytes,
    List<Classification.Prediction> predictions,
    List<DriftSample> drift) {

  /** The request was answered. */
  static final String SUCCESS = "success";

  /** The request did not fit the model, or was malformed: the client's doing. */
  static final String INVALID_INPUT = "invalid_input";

  /** No such model (or version), or it was unloaded: the client's doing. */
  static final String UNKNOWN_MODEL = "unknown_model";

  /** Refused by a limit (admission, queue, memory) or because the server is stopping. */
  static final String REJECTED = "rejected";

  /** The model exists but is loading, failed to load, or stalled. */
  static final String NOT_READY = "not_ready";

  /** The client gave up (a cancelled gRPC call); not the server's failure. */
  static final String CANCELLED = "cancelled";

  /** The request's deadline passed. */
  static final String TIMEOUT = "timeout";

  /** The runtime failed, or anything unexpected. */
  static final String ERROR = "error";

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
        SUCCESS,
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

  static InferenceOutcome failure(PhaseClock clock, Throwable e) {
    Phase phase = clock.current();
    return new InferenceOutcome(
        outcomeOf(e), clock.stop(), phase, e, 0, "", "", 0, List.of(), List.of());
  }

  boolean succeeded() {
    return failure == null;
  }

  /** The {@code outcome} label of a failed request: one per kind of failure. */
  static String outcomeOf(Throwable e) {
    if (!(e instanceof ArgusException a)) {
      return ERROR;
    }
    return switch (a) {
      case ArgusException.InvalidInput x -> INVALID_INPUT;
      case ArgusException.NotFound x -> UNKNOWN_MODEL;
      case ArgusException.ModelNotReady x -> NOT_READY;
      case ArgusException.QueueFull x -> REJECTED;
      case ArgusException.ShuttingDown x -> REJECTED;
      case ArgusException.DeadlineExceeded x -> TIMEOUT;
      case ArgusException.Cancelled x -> CANCELLED;
      case ArgusException.InferenceFailed x -> ERROR;
    };
  }

  /**
   * Why a rejected request was refused, the {@code reason} label of {@code
   * inference_rejected_total}; null when it was not rejected.
   */
  String rejectionReason() {
    return switch (failure) {
      case ArgusException.QueueFull q -> q.limit().label();
      case ArgusException.ShuttingDown s -> "shutting_down";
      case null, default -> null;
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

  /**
   * A tensor request's drift features: the mean of each numeric input (BYTES, BOOL and 8- and
   * 16-bit types have none), from a bounded sample of its values ({@link SampledMean}).
   */
  static DriftSample inputMeans(Map<String, Tensor> inputs) {
    Map<String, Double> means = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Tensor t = e.getValue();
      java.nio.ByteBuffer le = t.littleEndian();
      double mean;
      if (le != null) {
        mean = SampledMean.of(le, t.type(), Math.toIntExact(t.shape().elementCount()));
      } else {
        Object d = t.data();
        mean = SampledMean.of(d, 0, java.lang.reflect.Array.getLength(d));
      }
      if (!Double.isNaN(mean)) {
        means.put("input_" + e.getKey() + "_mean", mean);
      }
    }
    return new DriftSample(means, null);
  }
}
