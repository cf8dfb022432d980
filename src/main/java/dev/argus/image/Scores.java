package dev.argus.image;

import java.util.Arrays;

/** Softmax and top-k over one row of class scores. */
public final class Scores {
  private Scores() {}

  /** Softmax of {@code length} values at {@code offset}, numerically stable. */
  public static float[] softmax(float[] logits, int offset, int length) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, logits[offset + i]);
    }
    float[] out = new float[length];
    double sum = 0;
    for (int i = 0; i < length; i++) {
      double e = Math.exp(logits[offset + i] - max);
      out[i] = (float) e;
      sum += e;
    }
    for (int i = 0; i < length; i++) {
      out[i] = (float) (out[i] / sum);
    }
    return out;
  }

  /** Indices of the {@code k} largest values, largest first; ties keep the lower index first. */
  public static int[] topK(float[] scores, int k) {
    int n = Math.min(k, scores.length);
    Integer[] order = new Integer[scores.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
    int[] top = new int[n];
    for (int i = 0; i < n; i++) {
      top[i] = order[i];
    }
    return top;
  }
}
