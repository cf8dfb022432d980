package dev.argus.service;

/**
 * The mean of a numeric array, or of a range of it, from at most {@link #MAX_SAMPLES} values spread
 * evenly over it: a drift feature costs a few microseconds whatever the input's size (an image
 * tensor holds 150,528 values), and the mean of an even spread of a natural input is within noise
 * of the full mean, which is all a drift test compares.
 */
final class SampledMean {
  /** Values read per mean, at most. */
  static final int MAX_SAMPLES = 4096;

  private SampledMean() {}

  /**
   * The mean of {@code data[from, to)}, a float, double, long or int array; NaN for any other type
   * (no mean worth comparing) or an empty range.
   */
  static double of(Object data, int from, int to) {
    int n = to - from;
    if (n <= 0) {
      return Double.NaN;
    }
    int samples = Math.min(n, MAX_SAMPLES);
    // Index from + floor(i * n / samples): every value when n <= MAX_SAMPLES, else an even spread.
    double sum = 0;
    switch (data) {
      case float[] f -> {
        for (int i = 0; i < samples; i++) {
          sum += f[from + (int) ((long) i * n / samples)];
        }
      }
      case double[] f -> {
        for (int i = 0; i < samples; i++) {
          sum += f[from + (int) ((long) i * n / samples)];
        }
      }
      case long[] f -> {
        for (int i = 0; i < samples; i++) {
          sum += f[from + (int) ((long) i * n / samples)];
        }
      }
      case int[] f -> {
        for (int i = 0; i < samples; i++) {
          sum += f[from + (int) ((long) i * n / samples)];
        }
      }
      default -> {
        return Double.NaN;
      }
    }
    return sum / samples;
  }
}
