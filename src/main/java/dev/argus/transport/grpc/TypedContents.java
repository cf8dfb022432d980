package dev.argus.transport.grpc;

import com.google.protobuf.ByteString;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Tensor;
import dev.argus.transport.grpc.proto.InferTensorContents;

/**
 * A tensor's elements in the protocol's typed {@code InferTensorContents} fields, both ways: INT8,
 * INT16 and INT32 share {@code int_contents}, UINT8, UINT16 and UINT32 share {@code uint_contents}
 * (range-checked for their type), FP16 and BF16 have no field (raw contents only).
 */
final class TypedContents {
  private TypedContents() {}

  /** The field a type's elements travel in, for messages. */
  static String field(DataType type) {
    return switch (type) {
      case BOOL -> "bool_contents";
      case INT8, INT16, INT32 -> "int_contents";
      case INT64 -> "int64_contents";
      case UINT8, UINT16, UINT32 -> "uint_contents";
      case UINT64 -> "uint64_contents";
      case FP32 -> "fp32_contents";
      case FP64 -> "fp64_contents";
      case BYTES -> "bytes_contents";
      case FP16, BF16 -> "raw_input_contents";
    };
  }

  /** Reads {@code count} elements of {@code type} from their field of {@code c}. */
  static Object read(DataType type, InferTensorContents c, int count, String label) {
    if (type == DataType.FP16 || type == DataType.BF16) {
      throw TensorReader.invalid(
          label + " is " + type + ": send it in raw_input_contents (it has no typed field)");
    }
    int given = fieldSize(type, c);
    if (given != count) {
      int all = TensorReader.size(c);
      throw TensorReader.invalid(
          all > given
              ? label
                  + " is "
                  + type
                  + ": its elements go in "
                  + field(type)
                  + " (another field is set)"
              : label
                  + ": "
                  + field(type)
                  + " holds "
                  + given
                  + " elements (expected: "
                  + count
                  + ")");
    }
    return switch (type) {
      case BOOL -> {
        boolean[] a = new boolean[count];
        for (int i = 0; i < count; i++) {
          a[i] = c.getBoolContents(i);
        }
        yield a;
      }
      case INT8, UINT8 -> {
        byte[] a = new byte[count];
        for (int i = 0; i < count; i++) {
          a[i] =
              (byte)
                  ranged(
                      type,
                      type == DataType.INT8 ? c.getIntContents(i) : c.getUintContents(i),
                      label);
        }
        yield a;
      }
      case INT16, UINT16 -> {
        short[] a = new short[count];
        for (int i = 0; i < count; i++) {
          a[i] =
              (short)
                  ranged(
                      type,
                      type == DataType.INT16 ? c.getIntContents(i) : c.getUintContents(i),
                      label);
        }
        yield a;
      }
      case INT32 -> c.getIntContentsList().stream().mapToInt(Integer::intValue).toArray();
      case UINT32 -> c.getUintContentsList().stream().mapToInt(Integer::intValue).toArray();
      case INT64 -> c.getInt64ContentsList().stream().mapToLong(Long::longValue).toArray();
      case UINT64 -> c.getUint64ContentsList().stream().mapToLong(Long::longValue).toArray();
      case FP32 -> {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
          a[i] = c.getFp32Contents(i);
        }
        yield a;
      }
      case FP64 -> c.getFp64ContentsList().stream().mapToDouble(Double::doubleValue).toArray();
      case BYTES -> {
        byte[][] a = new byte[count][];
        for (int i = 0; i < count; i++) {
          a[i] = c.getBytesContents(i).toByteArray();
        }
        yield a;
      }
      case FP16, BF16 -> throw new IllegalStateException("refused above");
    };
  }

  /** The tensor's elements in their typed field. */
  static InferTensorContents write(Tensor t, String name) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    Object d = t.data();
    switch (t.type()) {
      case BOOL -> {
        for (boolean v : (boolean[]) d) {
          c.addBoolContents(v);
        }
      }
      case INT8 -> {
        for (byte v : (byte[]) d) {
          c.addIntContents(v);
        }
      }
      case UINT8 -> {
        for (byte v : (byte[]) d) {
          c.addUintContents(Byte.toUnsignedInt(v));
        }
      }
      case INT16 -> {
        for (short v : (short[]) d) {
          c.addIntContents(v);
        }
      }
      case UINT16 -> {
        for (short v : (short[]) d) {
          c.addUintContents(Short.toUnsignedInt(v));
        }
      }
      case INT32 -> {
        for (int v : (int[]) d) {
          c.addIntContents(v);
        }
      }
      case UINT32 -> {
        for (int v : (int[]) d) {
          c.addUintContents(v);
        }
      }
      case INT64 -> {
        for (long v : (long[]) d) {
          c.addInt64Contents(v);
        }
      }
      case UINT64 -> {
        for (long v : (long[]) d) {
          c.addUint64Contents(v);
        }
      }
      case FP32 -> {
        for (float v : (float[]) d) {
          c.addFp32Contents(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) d) {
          c.addFp64Contents(v);
        }
      }
      case BYTES -> {
        for (byte[] v : (byte[][]) d) {
          c.addBytesContents(ByteString.copyFrom(v));
        }
      }
      case FP16, BF16 ->
          throw new ArgusException.InvalidInput(
              "output '"
                  + name
                  + "' is "
                  + t.type()
                  + ", which has no typed contents field: leave the "
                  + TensorReader.TYPED_CONTENTS
                  + " parameter off to get raw_output_contents");
    }
    return c.build();
  }

  private static int fieldSize(DataType type, InferTensorContents c) {
    return switch (type) {
      case BOOL -> c.getBoolContentsCount();
      case INT8, INT16, INT32 -> c.getIntContentsCount();
      case INT64 -> c.getInt64ContentsCount();
      case UINT8, UINT16, UINT32 -> c.getUintContentsCount();
      case UINT64 -> c.getUint64ContentsCount();
      case FP32 -> c.getFp32ContentsCount();
      case FP64 -> c.getFp64ContentsCount();
      case BYTES -> c.getBytesContentsCount();
      case FP16, BF16 -> 0;
    };
  }

  /** A value of an 8- or 16-bit type, refused when it does not fit. */
  private static int ranged(DataType type, int value, String label) {
    long v =
        type == DataType.UINT8 || type == DataType.UINT16 ? Integer.toUnsignedLong(value) : value;
    long min =
        switch (type) {
          case INT8 -> Byte.MIN_VALUE;
          case INT16 -> Short.MIN_VALUE;
          default -> 0;
        };
    long max =
        switch (type) {
          case INT8 -> Byte.MAX_VALUE;
          case INT16 -> Short.MAX_VALUE;
          case UINT8 -> 255;
          default -> 65535;
        };
    if (v < min || v > max) {
      throw TensorReader.invalid(
          label + ": " + v + " is out of range for " + type + " (" + min + ".." + max + ")");
    }
    return value;
  }
}
