package dev.argus.testing;

import dev.argus.tensor.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes real ONNX files for tests: {@code y = Identity(x)} for one element type, with x of shape
 * [n, 2]. ONNX files are protobuf; the few fields needed are written by hand here (ONNX's {@code
 * onnx.proto3}: ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto), so a test can
 * round-trip every datatype through a real ONNX Runtime session.
 */
public final class OnnxIdentity {
  private OnnxIdentity() {}

  /** ONNX's TensorProto.DataType number for an OIP datatype. */
  static int onnxType(DataType type) {
    return switch (type) {
      case FP32 -> 1;
      case UINT8 -> 2;
      case INT8 -> 3;
      case UINT16 -> 4;
      case INT16 -> 5;
      case INT32 -> 6;
      case INT64 -> 7;
      case BYTES -> 8;
      case BOOL -> 9;
      case FP16 -> 10;
      case FP64 -> 11;
      case UINT32 -> 12;
      case UINT64 -> 13;
      case BF16 -> 16;
    };
  }

  /** Adds model {@code name} (kind tensor, version 1) holding Identity over {@code type}. */
  public static void addTo(Path repo, String name, DataType type) {
    addUnary(repo, name, "1", type, "Identity");
  }

  /**
   * Adds version {@code version} of model {@code name} (kind tensor) holding {@code y = op(x)} for
   * a unary ONNX operator such as {@code Neg} or {@code Abs}: a model whose outputs differ from
   * Identity's for the same inputs.
   */
  public static void addUnary(Path repo, String name, String version, DataType type, String op) {
    try {
      Path dir = repo.resolve(name);
      Files.createDirectories(dir.resolve(version));
      Files.write(dir.resolve(version + "/model.onnx"), model(type, op));
      Files.writeString(dir.resolve("model.yaml"), "kind: tensor\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] model(DataType type) {
    return model(type, "Identity");
  }

  static byte[] model(DataType type, String op) {
    byte[] node = message(string(1, "x"), string(2, "y"), string(3, "op"), string(4, op));
    byte[] graph =
        message(
            bytes(1, node),
            string(2, "identity_" + type.name().toLowerCase(java.util.Locale.ROOT)),
            bytes(11, valueInfo("x", type)),
            bytes(12, valueInfo("y", type)));
    byte[] opset = message(string(1, ""), varint(2, 13));
    return message(
        varint(1, 8), // ir_version
        string(2, "argus-tests"), // producer_name
        bytes(7, graph),
        bytes(8, opset));
  }

  private static byte[] valueInfo(String name, DataType type) {
    byte[] dynamic = message(string(2, "n"));
    byte[] two = message(varint(1, 2));
    byte[] shape = message(bytes(1, dynamic), bytes(1, two));
    byte[] tensorType = message(varint(1, onnxType(type)), bytes(2, shape));
    byte[] typeProto = message(bytes(1, tensorType));
    return message(string(1, name), bytes(2, typeProto));
  }

  private static byte[] message(byte[]... fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : fields) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  private static byte[] varint(int field, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) field << 3); // wire type 0
    writeVarint(out, value);
    return out.toByteArray();
  }

  private static byte[] string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(int field, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, ((long) field << 3) | 2); // wire type 2: length-delimited
    writeVarint(out, value.length);
    out.writeBytes(value);
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
