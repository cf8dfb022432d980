package dev.argus.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.tensor.DataType;
import dev.argus.tensor.TensorCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outputs of an Open Inference Protocol answer, JSON or binary ({@code
 * Inference-Header-Content-Length} bytes of JSON header, then each binary output's {@code
 * binary_data_size} bytes in order, little-endian), as numbers to compare: every numeric datatype
 * as doubles (FP16 and BF16 widened, unsigned types as unsigned), BOOL as 0 and 1, BYTES as text.
 */
final class Outputs {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One output tensor. {@code texts} holds BYTES elements, {@code values} all others. */
  record Output(String datatype, List<Long> shape, double[] values, List<String> texts) {}

  private Outputs() {}

  /**
   * Parses an answer body.
   *
   * @param headerLength the answer's {@code Inference-Header-Content-Length}, when binary
   * @throws IllegalArgumentException when the body is no OIP answer
   */
  static Map<String, Output> parse(byte[] body, Optional<String> headerLength) {
    int jsonLength = body.length;
    if (headerLength.isPresent()) {
      try {
        jsonLength = Integer.parseInt(headerLength.get().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Inference-Header-Content-Length: " + headerLength.get() + " (expected: a number)");
      }
      if (jsonLength < 0 || jsonLength > body.length) {
        throw new IllegalArgumentException(
            "Inference-Header-Content-Length: "
                + jsonLength
                + " (expected: 0.."
                + body.length
                + ")");
      }
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(body, 0, jsonLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("answer is not JSON: " + e.getMessage(), e);
    }
    if (header == null || !header.path("outputs").isArray()) {
      throw new IllegalArgumentException("answer has no \"outputs\"");
    }
    Map<String, Output> outputs = new LinkedHashMap<>();
    int at = jsonLength;
    for (JsonNode o : header.path("outputs")) {
      String datatype = o.path("datatype").asText();
      List<Long> shape = new ArrayList<>();
      o.path("shape").forEach(d -> shape.add(d.asLong()));
      JsonNode size = o.path("parameters").path("binary_data_size");
      if (size.isNumber()) {
        int n = size.asInt();
        if (n < 0 || at + n > body.length) {
          throw new IllegalArgumentException(
              "output " + o.path("name").asText() + ": binary_data_size " + n + " past the body");
        }
        outputs.put(o.path("name").asText(), binary(datatype, shape, body, at, n));
        at += n;
      } else {
        outputs.put(o.path("name").asText(), json(datatype, shape, o.path("data")));
      }
    }
    return outputs;
  }

  private static Output json(String datatype, List<Long> shape, JsonNode data) {
    List<JsonNode> flat = new ArrayList<>();
    flatten(data, flat);
    if (datatype.equals("BYTES")) {
      return new Output(
          datatype, shape, new double[0], flat.stream().map(JsonNode::asText).toList());
    }
    double[] values = new double[flat.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = flat.get(i);
      values[i] = v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asDouble();
    }
    return new Output(datatype, shape, values, List.of());
  }

  private static void flatten(JsonNode node, List<JsonNode> out) {
    if (node.isArray()) {
      node.forEach(n -> flatten(n, out));
    } else if (!node.isMissingNode() && !node.isNull()) {
      out.add(node);
    }
  }

  private static Output binary(String datatype, List<Long> shape, byte[] body, int at, int n) {
    ByteBuffer buf = ByteBuffer.wrap(body, at, n).slice().order(ByteOrder.LITTLE_ENDIAN);
    DataType type =
        DataType.fromName(datatype)
            .orElseThrow(() -> new IllegalArgumentException("datatype: " + datatype));
    if (type == DataType.BYTES) {
      long count = shape.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
      List<String> texts = new ArrayList<>();
      for (byte[] b : TensorCodec.readLengthPrefixed(buf, (int) count)) {
        texts.add(new String(b, StandardCharsets.UTF_8));
      }
      return new Output(datatype, shape, new double[0], texts);
    }
    int count = n / type.byteSize();
    return new Output(
        datatype, shape, doubles(type, TensorCodec.read(type, buf, count)), List.of());
  }

  private static double[] doubles(DataType type, Object array) {
    return switch (type) {
      case FP32 -> {
        float[] a = (float[]) array;
        double[] d = new double[a.length];
        Arrays.setAll(d, i -> a[i]);
        yield d;
      }
      case FP64 -> (double[]) array;
      case INT64 -> Arrays.stream((long[]) array).asDoubleStream().toArray();
      case UINT64 ->
          Arrays.stream((long[]) array)
              .mapToDouble(v -> v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1))
              .toArray();
      case INT32 -> Arrays.stream((int[]) array).asDoubleStream().toArray();
      case UINT32 -> Arrays.stream((int[]) array).mapToDouble(Integer::toUnsignedLong).toArray();
      case INT16, UINT16, FP16, BF16 -> {
        short[] a = (short[]) array;
        double[] d = new double[a.length];
        Arrays.setAll(
            d,
            i ->
                switch (type) {
                  case UINT16 -> Short.toUnsignedInt(a[i]);
                  case FP16 -> Float.float16ToFloat(a[i]);
                  case BF16 -> Float.intBitsToFloat((a[i] & 0xffff) << 16);
                  default -> a[i];
                });
        yield d;
      }
      case INT8, UINT8 -> {
        byte[] a = (byte[]) array;
        double[] d = new double[a.length];
        Arrays.setAll(d, i -> type == DataType.UINT8 ? Byte.toUnsignedInt(a[i]) : a[i]);
        yield d;
      }
      case BOOL -> {
        boolean[] a = (boolean[]) array;
        double[] d = new double[a.length];
        Arrays.setAll(d, i -> a[i] ? 1 : 0);
        yield d;
      }
      case BYTES -> throw new IllegalArgumentException("BYTES are texts");
    };
  }
}
