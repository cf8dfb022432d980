package dev.argus.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A dense, row-major tensor backed by a primitive array ({@code float[]} for FP32, {@code long[]}
 * for INT64, {@code byte[][]} for BYTES, ...), or by the little-endian bytes it arrived as (a
 * binary Open Inference Protocol body, gRPC {@code raw_*_contents}, ONNX Runtime's output buffer):
 * those are handed to the model and to the response as they are, with one copy each way, and
 * decoded into an array only when something asks for {@link #data()}. Tensors are not copied
 * defensively: whoever builds one hands its array or bytes over.
 */
public final class Tensor {
  private final DataType type;
  private final Shape shape;

  /** The elements as little-endian bytes (position 0, exactly their size), or null. */
  private final ByteBuffer littleEndian;

  /** The backing array: given, or decoded from {@link #littleEndian} on first use. */
  private volatile Object data;

  private Tensor(DataType type, Shape shape, Object data, ByteBuffer littleEndian) {
    this.type = Objects.requireNonNull(type, "type");
    this.shape = Objects.requireNonNull(shape, "shape");
    if (!shape.isConcrete()) {
      throw new IllegalArgumentException("shape: " + shape + " (expected: no dynamic dimension)");
    }
    this.littleEndian = littleEndian;
    if (littleEndian == null) {
      this.data = Objects.requireNonNull(data, "data");
      int length = java.lang.reflect.Array.getLength(data);
      if (length != shape.elementCount()) {
        throw new IllegalArgumentException(
            "data length: "
                + length
                + " (expected: "
                + shape.elementCount()
                + " for "
                + shape
                + ")");
      }
    } else if (littleEndian.remaining() != shape.elementCount() * type.byteSize()) {
      throw new IllegalArgumentException(
          "bytes: "
              + littleEndian.remaining()
              + " (expected: "
              + shape.elementCount() * type.byteSize()
              + " for "
              + shape
              + " of "
              + type
              + ")");
    }
  }

  private Tensor(DataType type, Shape shape, Object data) {
    this(type, shape, data, null);
  }

  /**
   * A tensor over {@code bytes}' remaining bytes, its elements little-endian, as the Open Inference
   * Protocol's binary form lays them out; the bytes are used in place (not copied), so they must
   * not change afterwards. For every fixed-size type but BOOL (whose bytes the protocol does not
   * restrict to 0 and 1).
   *
   * @throws IllegalArgumentException for BOOL and BYTES, or when the size does not match the shape
   */
  public static Tensor ofLittleEndian(DataType type, Shape shape, ByteBuffer bytes) {
    if (type == DataType.BOOL || type == DataType.BYTES) {
      throw new IllegalArgumentException(type + " tensors are held as arrays");
    }
    return new Tensor(type, shape, null, bytes.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  /**
   * A tensor of the protocol's binary form ({@code bytes}' remaining bytes, little-endian): held as
   * those bytes ({@link #ofLittleEndian}), except BOOL, which is read into an array (the protocol
   * does not restrict its bytes to 0 and 1). Not for BYTES, whose elements are length-prefixed.
   */
  public static Tensor ofBinary(DataType type, Shape shape, ByteBuffer bytes) {
    if (type == DataType.BOOL) {
      ByteBuffer in = bytes.slice();
      return new Tensor(type, shape, TensorCodec.read(type, in, in.remaining()));
    }
    return ofLittleEndian(type, shape, bytes);
  }

  /**
   * The elements as little-endian bytes when the tensor was built from them ({@link
   * #ofLittleEndian}): a fresh view from position 0 to their end, to be read, never written; null
   * for a tensor built from an array.
   */
  public ByteBuffer littleEndian() {
    return littleEndian == null ? null : littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN);
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

  /**
   * The backing array; its Java type is {@link #javaArrayType(DataType)} of {@link #type()}. A
   * tensor held as bytes decodes them into it on the first call (two threads may both decode; each
   * gets the same values).
   */
  public Object data() {
    Object d = data;
    if (d == null) {
      d = TensorCodec.read(type, littleEndian(), Math.toIntExact(shape.elementCount()));
      data = d;
    }
    return d;
  }

  /** The backing array of an FP32 tensor. */
  public float[] floats() {
    if (type != DataType.FP32) {
      throw new IllegalStateException("tensor is " + type + ", not FP32");
    }
    return (float[]) data();
  }

  @Override
  public String toString() {
    return "Tensor[" + type + " " + shape + "]";
  }
}
