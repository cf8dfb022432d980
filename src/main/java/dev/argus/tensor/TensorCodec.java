package dev.argus.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tensor elements as raw bytes: the one place that knows how each {@link DataType} is laid out in a
 * buffer. The Open Inference Protocol's binary tensors (REST and gRPC {@code raw_*_contents}) are
 * little-endian, with BYTES as a 4-byte length before each element; ONNX Runtime's buffers are in
 * native order. Callers set the buffer's order; this class never changes it.
 */
public final class TensorCodec {
  private TensorCodec() {}

  /** A zeroed array of {@code count} elements of {@code type} ({@code byte[count][]} for BYTES). */
  public static Object allocate(DataType type, int count) {
    return switch (type) {
      case BOOL -> new boolean[count];
      case UINT8, INT8 -> new byte[count];
      case UINT16, INT16, FP16, BF16 -> new short[count];
      case UINT32, INT32 -> new int[count];
      case UINT64, INT64 -> new long[count];
      case FP32 -> new float[count];
      case FP64 -> new double[count];
      case BYTES -> new byte[count][];
    };
  }

  /**
   * Reads {@code count} fixed-size elements of {@code type} from {@code buf}'s position, in the
   * buffer's byte order, and moves the position past them; BOOL is one byte per element, non-zero
   * for true.
   *
   * @throws IllegalArgumentException for BYTES, whose elements have no fixed size
   * @throws java.nio.BufferUnderflowException when the buffer holds fewer elements
   */
  public static Object read(DataType type, ByteBuffer buf, int count) {
    Object array = allocate(type, count);
    int start = buf.position();
    switch (type) {
      case FP32 -> buf.asFloatBuffer().get((float[]) array);
      case FP64 -> buf.asDoubleBuffer().get((double[]) array);
      case INT64, UINT64 -> buf.asLongBuffer().get((long[]) array);
      case INT32, UINT32 -> buf.asIntBuffer().get((int[]) array);
      case INT16, UINT16, FP16, BF16 -> buf.asShortBuffer().get((short[]) array);
      case INT8, UINT8 -> buf.get((byte[]) array);
      case BOOL -> {
        boolean[] b = (boolean[]) array;
        for (int i = 0; i < count; i++) {
          b[i] = buf.get() != 0;
        }
      }
      case BYTES -> throw new IllegalArgumentException("BYTES elements have no fixed size");
    }
    // Typed views read without moving the buffer; leave it past what was read, as get() does.
    buf.position(start + count * type.byteSize());
    return array;
  }

  /**
   * Reads {@code count} length-prefixed BYTES elements (a little-endian 4-byte length, then the
   * bytes) filling exactly {@code buf}'s remaining bytes.
   *
   * @throws IllegalArgumentException naming the element that does not fit
   */
  public static byte[][] readLengthPrefixed(ByteBuffer buf, int count) {
    ByteBuffer in = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
    byte[][] out = new byte[count][];
    int i = 0;
    while (in.hasRemaining()) {
      if (in.remaining() < 4 || i >= count) {
        throw new IllegalArgumentException(
            "binary data does not hold " + count + " length-prefixed elements");
      }
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException(
            "binary element " + i + " claims " + length + " bytes, past its data");
      }
      out[i] = new byte[length];
      in.get(out[i++]);
    }
    if (i != count) {
      throw new IllegalArgumentException(
          "binary data holds " + i + " elements (expected: " + count + ")");
    }
    return out;
  }

  /** The size of {@code t} in the protocol's binary form, length prefixes included. */
  public static int binarySize(Tensor t) {
    if (t.type() == DataType.BYTES) {
      int size = 0;
      for (byte[] e : (byte[][]) t.data()) {
        size += 4 + e.length;
      }
      return size;
    }
    return Math.toIntExact(t.shape().elementCount() * t.type().byteSize());
  }

  /**
   * The tensor's elements in the protocol's little-endian binary form: for a tensor held as exactly
   * such an array of bytes ({@link Tensor#ofLittleEndian}), that array itself, not a copy.
   */
  public static byte[] toLittleEndian(Tensor t) {
    ByteBuffer le = t.littleEndian();
    if (le != null
        && le.hasArray()
        && le.arrayOffset() == 0
        && le.remaining() == le.array().length) {
      return le.array();
    }
    ByteBuffer buf = ByteBuffer.allocate(binarySize(t)).order(ByteOrder.LITTLE_ENDIAN);
    write(t, buf);
    return buf.array();
  }

  /**
   * Writes the tensor's elements at {@code buf}'s position in the buffer's byte order; BYTES as a
   * 4-byte length (in that order) and the bytes of each element.
   */
  public static void write(Tensor t, ByteBuffer buf) {
    ByteBuffer le = t.littleEndian();
    if (le != null && (buf.order() == ByteOrder.LITTLE_ENDIAN || t.type().byteSize() == 1)) {
      buf.put(le);
      return;
    }
    Object d = t.data();
    switch (t.type()) {
      case FP32 -> put(buf, 4, ((float[]) d).length, b -> b.asFloatBuffer().put((float[]) d));
      case FP64 -> put(buf, 8, ((double[]) d).length, b -> b.asDoubleBuffer().put((double[]) d));
      case INT64, UINT64 -> put(buf, 8, ((long[]) d).length, b -> b.asLongBuffer().put((long[]) d));
      case INT32, UINT32 -> put(buf, 4, ((int[]) d).length, b -> b.asIntBuffer().put((int[]) d));
      case INT16, UINT16, FP16, BF16 ->
          put(buf, 2, ((short[]) d).length, b -> b.asShortBuffer().put((short[]) d));
      case INT8, UINT8 -> buf.put((byte[]) d);
      case BOOL -> {
        for (boolean b : (boolean[]) d) {
          buf.put((byte) (b ? 1 : 0));
        }
      }
      case BYTES -> {
        for (byte[] e : (byte[][]) d) {
          buf.putInt(e.length).put(e);
        }
      }
    }
  }

  /** Views write through a duplicate without moving {@code buf}; move it past what they wrote. */
  private static void put(
      ByteBuffer buf, int elementBytes, int count, java.util.function.Consumer<ByteBuffer> view) {
    view.accept(buf.slice().order(buf.order()));
    buf.position(buf.position() + elementBytes * count);
  }
}
