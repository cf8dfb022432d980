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
    // Every value when n <= MAX_SAMPLES, else an even spread (index about from + i * n / samples).
    // The position advances in 32.32 fixed point, so the loop does no division (a long division
    // per value made a 150,528-value image cost 40 µs a channel).
    long step = ((long) n << 32) / samples;
    double sum = 0;
    switch (data) {
      case float[] f -> {
        long pos = 0;
        for (int i = 0; i < samples; i++, pos += step) {
          sum += f[from + (int) (pos >>> 32)];
        }
      }
      case double[] f -> {
        long pos = 0;
        for (int i = 0; i < samples; i++, pos += step) {
          sum += f[from + (int) (pos >>> 32)];
        }
      }
      case long[] f -> {
        long pos = 0;
        for (int i = 0; i < samples; i++, pos += step) {
          sum += f[from + (int) (pos >>> 32)];
        }
      }
      case int[] f -> {
        long pos = 0;
        for (int i = 0; i < samples; i++, pos += step) {
          sum += f[from + (int) (pos >>> 32)];
        }
      }
      default -> {
        return Double.NaN;
      }
    }
    return sum / samples;
  }

  /**
   * The mean of the {@code count} little-endian elements of {@code type} in {@code le} (from its
   * position), read in place; NaN for a type without a mean worth comparing (as {@link #of}: FP32,
   * FP64, INT64 and INT32 have one) or no elements.
   */
  static double of(java.nio.ByteBuffer le, dev.argus.tensor.DataType type, int count) {
    if (count <= 0) {
      return Double.NaN;
    }
    int samples = Math.min(count, MAX_SAMPLES);
    long step = ((long) count << 32) / samples;
    int base = le.position();
    double sum = 0;
    long pos = 0;
    switch (type) {
      case FP32 -> {
        for (int i = 0; i < samples; i++, pos += step) {
          sum += le.getFloat(base + 4 * (int) (pos >>> 32));
        }
      }
      case FP64 -> {
        for (int i = 0; i < samples; i++, pos += step) {
          sum += le.getDouble(base + 8 * (int) (pos >>> 32));
        }
      }
      case INT64 -> {
        for (int i = 0; i < samples; i++, pos += step) {
          sum += le.getLong(base + 8 * (int) (pos >>> 32));
        }
      }
      case INT32 -> {
        for (int i = 0; i < samples; i++, pos += step) {
          sum += le.getInt(base + 4 * (int) (pos >>> 32));
        }
      }
      default -> {
        return Double.NaN;
      }
    }
    return sum / samples;
  }
}
