package dev.argus.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor. A dimension of {@code -1} means "any size" and appears only in model
 * metadata, never in the shape of a concrete tensor.
 */
public final class Shape {
  private final long[] dims;

  private Shape(long[] dims) {
    this.dims = dims;
  }

  /** A shape with these dimensions; each must be {@code >= -1}. */
  public static Shape of(long... dims) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < -1) {
        throw new IllegalArgumentException("dims[" + i + "]: " + dims[i] + " (expected: >= -1)");
      }
    }
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public long dim(int index) {
    return dims[index];
  }

  public long[] dims() {
    return dims.clone();
  }

  /** True when no dimension is {@code -1}. */
  public boolean isConcrete() {
    for (long d : dims) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The number of elements.
   *
   * @throws ArithmeticException when the product overflows a {@code long}
   * @throws IllegalStateException when a dimension is {@code -1}
   */
  public long elementCount() {
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalStateException("shape " + this + " has a dynamic dimension");
      }
      count = Math.multiplyExact(count, d);
    }
    return count;
  }

  /** This shape with the first dimension replaced. */
  public Shape withFirstDim(long first) {
    long[] copy = dims.clone();
    copy[0] = first;
    return new Shape(copy);
  }

  /** True when {@code concrete} fits this (possibly dynamic) shape. */
  public boolean accepts(Shape concrete) {
    if (concrete.rank() != rank()) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] >= 0 && dims[i] != concrete.dims[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
