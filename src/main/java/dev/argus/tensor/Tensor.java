package dev.argus.tensor;

import java.util.Objects;

/**
 * A dense, row-major tensor backed by a primitive array ({@code float[]} for FP32, {@code long[]}
 * for INT64, {@code byte[][]} for BYTES, ...). Tensors are not copied defensively: whoever builds
 * one hands its array over.
 */
public final class Tensor {
  private final DataType type;
  private final Shape shape;
  private final Object data;

  private Tensor(DataType type, Shape shape, Object data) {
    this.type = Objects.requireNonNull(type, "type");
    this.shape = Objects.requireNonNull(shape, "shape");
    this.data = Objects.requireNonNull(data, "data");
    if (!shape.isConcrete()) {
      throw new IllegalArgumentException("shape: " + shape + " (expected: no dynamic dimension)");
    }
    int length = java.lang.reflect.Array.getLength(data);
    if (length != shape.elementCount()) {
      throw new IllegalArgumentException(
          "data length: " + length + " (expected: " + shape.elementCount() + " for " + shape + ")");
    }
  }

  /** An FP32 tensor over {@code values}. */
  public static Tensor ofFloats(Shape shape, float[] values) {
    return new Tensor(DataType.FP32, shape, values);
  }

  /** A tensor of {@code type} over a primitive array of the matching Java type. */
  public static Tensor of(DataType type, Shape shape, Object array) {
    Class<?> expected = javaArrayType(type);
    if (array.getClass() != expected) {
      throw new IllegalArgumentException(
          "array: "
              + array.getClass().getSimpleName()
              + " (expected: "
              + expected.getSimpleName()
              + " for "
              + type
              + ")");
    }
    return new Tensor(type, shape, array);
  }

  /** The Java array type that holds elements of {@code type}. */
  public static Class<?> javaArrayType(DataType type) {
    return switch (type) {
      case BOOL -> boolean[].class;
      case UINT8, INT8 -> byte[].class;
      case UINT16, INT16, FP16, BF16 -> short[].class;
      case UINT32, INT32 -> int[].class;
      case UINT64, INT64 -> long[].class;
      case FP32 -> float[].class;
      case FP64 -> double[].class;
      case BYTES -> byte[][].class;
    };
  }

  /**
   * The tensors of {@code parts} joined along the first dimension into one of {@code totalRows}
   * rows (a new array); they share a type and the dimensions past the first.
   */
  public static Tensor joinRows(java.util.List<Tensor> parts, int totalRows) {
    Tensor first = parts.get(0);
    int rowElements =
        Math.toIntExact(first.shape().elementCount() / Math.max(1, first.shape().dim(0)));
    Object joined =
        java.lang.reflect.Array.newInstance(
            first.data().getClass().getComponentType(), totalRows * rowElements);
    int offset = 0;
    for (Tensor part : parts) {
      int length = java.lang.reflect.Array.getLength(part.data());
      System.arraycopy(part.data(), 0, joined, offset, length);
      offset += length;
    }
    return of(first.type(), first.shape().withFirstDim(totalRows), joined);
  }

  public DataType type() {
    return type;
  }

  public Shape shape() {
    return shape;
  }

  /** The backing array; its Java type is {@link #javaArrayType(DataType)} of {@link #type()}. */
  public Object data() {
    return data;
  }

  /** The backing array of an FP32 tensor. */
  public float[] floats() {
    if (type != DataType.FP32) {
      throw new IllegalStateException("tensor is " + type + ", not FP32");
    }
    return (float[]) data;
  }

  @Override
  public String toString() {
    return "Tensor[" + type + " " + shape + "]";
  }
}
