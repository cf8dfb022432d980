package dev.argus.batching;

import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests as rows of a batch: how many rows a request has, which requests may share a batch, and
 * joining their inputs along the first dimension and cutting the outputs back apart.
 */
final class Rows {
  private Rows() {}

  /**
   * The first dimension all of a request's inputs share (1 for scalars).
   *
   * @throws IllegalArgumentException when there are no inputs or they disagree
   */
  static int of(Map<String, Tensor> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("inputs: {} (expected: at least one tensor)");
    }
    long rows = -1;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Shape shape = e.getValue().shape();
      long r = shape.rank() == 0 ? 1 : shape.dim(0);
      if (rows >= 0 && r != rows) {
        throw new IllegalArgumentException(
            "input '"
                + e.getKey()
                + "' has "
                + r
                + " rows (expected: "
                + rows
                + " like the others)");
      }
      rows = r;
    }
    return Math.toIntExact(rows);
  }

  /** Types and shapes past the first dimension: requests batch together only when these match. */
  static String signature(Map<String, Tensor> inputs) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Tensor> e : new TreeMap<>(inputs).entrySet()) {
      long[] dims = e.getValue().shape().dims();
      sb.append(e.getKey())
          .append(':')
          .append(e.getValue().type())
          .append(
              Arrays.toString(dims.length == 0 ? dims : Arrays.copyOfRange(dims, 1, dims.length)))
          .append(';');
    }
    return sb.toString();
  }

  /** Rows {@code firstRow .. firstRow + rows} of a tensor of {@code totalRows}. */
  static Tensor slice(Tensor t, int firstRow, int rows, int totalRows) {
    int rowElements = Math.toIntExact(t.shape().elementCount() / totalRows);
    java.nio.ByteBuffer le = t.littleEndian();
    if (le != null) {
      int rowBytes = rowElements * t.type().byteSize();
      return Tensor.ofLittleEndian(
          t.type(), t.shape().withFirstDim(rows), le.slice(firstRow * rowBytes, rows * rowBytes));
    }
    Object data = Array.newInstance(t.data().getClass().getComponentType(), rows * rowElements);
    System.arraycopy(t.data(), firstRow * rowElements, data, 0, rows * rowElements);
    return Tensor.of(t.type(), t.shape().withFirstDim(rows), data);
  }
}
