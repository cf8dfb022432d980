package dev.argus.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.observe.capture.CapturedRequest;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a replayed answer differs from the captured one: the status; for a classifier ({@code
 * /predict}) the top-1 label and the largest change of any label's score; for an Open Inference
 * Protocol answer the largest absolute difference of any output element (a changed datatype, shape
 * or set of outputs is a change by itself); for anything else, whether the bodies are the same. A
 * change is a different status, top-1 or output layout, or a difference above {@code tolerance}.
 */
final class Comparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The difference.
   *
   * @param kind {@code classifier}, {@code tensor}, {@code body} or {@code status} (only the
   *     statuses could be compared)
   * @param maxScoreDelta the largest score change of a label (classifiers), else NaN
   * @param maxAbsDiff the largest absolute difference of an output element (tensors), else NaN
   */
  record Diff(
      boolean changed,
      boolean statusChanged,
      boolean predictionChanged,
      String kind,
      String top1Before,
      String top1After,
      double maxScoreDelta,
      double maxAbsDiff,
      String note) {
    /** The outputs' names, datatypes or shapes differ: changed, by an unbounded amount. */
    static Diff layoutChanged(String note) {
      return new Diff(
          true, false, true, "tensor", "", "", Double.NaN, Double.POSITIVE_INFINITY, note);
    }

    static Diff statusOnly(boolean statusChanged, String note) {
      return new Diff(
          statusChanged, statusChanged, false, "status", "", "", Double.NaN, Double.NaN, note);
    }
  }

  /** The answer the replay got. */
  record Answer(int status, Optional<String> headerLength, byte[] body) {}

  private Comparison() {}

  static Diff compare(CapturedRequest captured, Answer now, double tolerance) {
    CapturedRequest.Response then = captured.response();
    boolean statusChanged = then.status() != now.status();
    if (statusChanged) {
      return Diff.statusOnly(true, "status " + then.status() + " -> " + now.status());
    }
    if (then.status() >= 300) {
      return Diff.statusOnly(false, ""); // error bodies hold request ids and wordings
    }
    if (then.body().truncated()) {
      return Diff.statusOnly(false, "answer cut in the capture: status compared only");
    }
    try {
      if (captured.route().startsWith("/predict")) {
        return classifier(then.body().bytes(), now.body(), tolerance);
      }
      if (captured.route().endsWith("/infer")) {
        return tensors(
            Outputs.parse(then.body().bytes(), then.header("inference-header-content-length")),
            Outputs.parse(now.body(), now.headerLength()),
            tolerance);
      }
    } catch (IllegalArgumentException e) {
      return new Diff(
          true,
          false,
          true,
          "body",
          "",
          "",
          Double.NaN,
          Double.NaN,
          "unreadable: " + e.getMessage());
    }
    boolean same = Arrays.equals(then.body().bytes(), now.body());
    return new Diff(
        !same, false, !same, "body", "", "", Double.NaN, Double.NaN, same ? "" : "body differs");
  }

  private static Diff classifier(byte[] before, byte[] after, double tolerance) {
    JsonNode a = tree(before);
    JsonNode b = tree(after);
    Map<String, Double> scoresA = scores(a);
    Map<String, Double> scoresB = scores(b);
    Set<String> labels = new HashSet<>(scoresA.keySet());
    labels.addAll(scoresB.keySet());
    double delta = 0;
    for (String label : labels) {
      // A label that left (or joined) the top-k moved by at least its score there.
      delta =
          Math.max(
              delta, Math.abs(scoresA.getOrDefault(label, 0.0) - scoresB.getOrDefault(label, 0.0)));
    }
    String top1A = a.path("prediction").asText();
    String top1B = b.path("prediction").asText();
    boolean topChanged = !top1A.equals(top1B);
    boolean changed = topChanged || delta > tolerance;
    return new Diff(
        changed,
        false,
        changed,
        "classifier",
        top1A,
        top1B,
        delta,
        Double.NaN,
        topChanged ? "top-1 " + top1A + " -> " + top1B : "");
  }

  private static Map<String, Double> scores(JsonNode answer) {
    Map<String, Double> scores = new HashMap<>();
    answer
        .path("predictions")
        .forEach(p -> scores.put(p.path("label").asText(), p.path("confidence").asDouble()));
    return scores;
  }

  private static Diff tensors(
      Map<String, Outputs.Output> before, Map<String, Outputs.Output> after, double tolerance) {
    if (!before.keySet().equals(after.keySet())) {
      return Diff.layoutChanged("outputs " + before.keySet() + " -> " + after.keySet());
    }
    double max = 0;
    for (Map.Entry<String, Outputs.Output> e : before.entrySet()) {
      Outputs.Output a = e.getValue();
      Outputs.Output b = after.get(e.getKey());
      if (!a.datatype().equals(b.datatype()) || !a.shape().equals(b.shape())) {
        return Diff.layoutChanged(
            e.getKey() + ": " + a.datatype() + a.shape() + " -> " + b.datatype() + b.shape());
      }
      max = Math.max(max, maxAbsDiff(a, b));
    }
    boolean changed = max > tolerance;
    return new Diff(changed, false, changed, "tensor", "", "", Double.NaN, max, "");
  }

  /** The largest |a - b| over the elements; BYTES elements differ by 0 or infinity. */
  static double maxAbsDiff(Outputs.Output a, Outputs.Output b) {
    if (!a.texts().equals(b.texts()) || a.values().length != b.values().length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.values().length; i++) {
      double x = a.values()[i];
      double y = b.values()[i];
      if (Double.isNaN(x) || Double.isNaN(y)) {
        max = Double.isNaN(x) && Double.isNaN(y) ? max : Double.POSITIVE_INFINITY;
      } else if (x != y) {
        max = Math.max(max, Math.abs(x - y));
      }
    }
    return max;
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }
}
