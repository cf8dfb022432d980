package dev.argus.transport.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes Open Inference Protocol v2 bodies, JSON and Triton's binary tensor extension.
 * Tensor data is streamed from the parser straight into primitive arrays sized from the declared
 * shape: no boxed numbers, no tree of nodes, and nothing allocated before the shape has been
 * checked against {@code limits.max_tensor_elements}.
 */
final class OipCodec {
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private OipCodec() {}

  /** An output the client asked for, and whether it wants it as binary data. */
  record RequestedOutput(String name, Boolean binary) {}

  /** A parsed inference request. */
  record Request(
      String id, Map<String, Tensor> inputs, List<RequestedOutput> outputs, boolean binaryOutputs) {
    List<String> outputNames() {
      return outputs.stream().map(RequestedOutput::name).toList();
    }
  }

  /** An input while its object is being read. */
  private static final class InputBuilder {
    String name;
    DataType type;
    long[] shape;
    Object data;
    TokenBuffer pending;
    long binarySize = -1;
  }

  /**
   * Parses a request body.
   *
   * @param headerLength the JSON header's length from {@code Inference-Header-Content-Length}, or
   *     -1 when the whole body is JSON
   * @throws ArgusException.InvalidInput naming what is wrong
   */
  static Request parse(byte[] body, int headerLength, long maxElements) {
    if (headerLength == 0) {
      throw new ArgusException.InvalidInput(
          HEADER_LENGTH + ": 0 (expected: the length of the JSON header that starts the body)");
    }
    if (headerLength > body.length) {
      throw new ArgusException.InvalidInput(
          HEADER_LENGTH
              + ": "
              + headerLength
              + " is longer than the body ("
              + body.length
              + " bytes)");
    }
    int jsonLength = headerLength < 0 ? body.length : headerLength;
    if (jsonLength == 0) {
      throw new ArgusException.InvalidInput("request body is empty (expected: a JSON object)");
    }
    String id = null;
    List<InputBuilder> inputs = new ArrayList<>();
    List<RequestedOutput> outputs = new ArrayList<>();
    boolean binaryOutputs = false;
    long[] elements = {0};
    try (JsonParser p = Json.MAPPER.getFactory().createParser(body, 0, jsonLength)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new ArgusException.InvalidInput("request body: expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> id = textOrNumber(p, "id");
          case "parameters" -> {
            JsonNode params = Json.MAPPER.readTree(p);
            binaryOutputs = params != null && params.path("binary_data_output").asBoolean(false);
          }
          case "inputs" -> {
            expect(p, value, JsonToken.START_ARRAY, "inputs", "an array of tensors");
            while (p.nextToken() == JsonToken.START_OBJECT) {
              inputs.add(readInput(p, maxElements, elements));
            }
          }
          case "outputs" -> {
            expect(p, value, JsonToken.START_ARRAY, "outputs", "an array of {\"name\": ...}");
            while (p.nextToken() == JsonToken.START_OBJECT) {
              JsonNode out = Json.MAPPER.readTree(p);
              if (!out.path("name").isTextual()) {
                throw new ArgusException.InvalidInput("outputs: every entry needs a \"name\"");
              }
              JsonNode binary = out.path("parameters").path("binary_data");
              outputs.add(
                  new RequestedOutput(
                      out.get("name").asText(), binary.isBoolean() ? binary.asBoolean() : null));
            }
          }
          default -> p.skipChildren(); // model_name, model_version (KServe), anything else
        }
      }
    } catch (StreamConstraintsException e) {
      throw new ArgusException.InvalidInput("request body: " + e.getOriginalMessage(), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ArgusException.InvalidInput(
          "request body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (inputs.isEmpty()) {
      throw new ArgusException.InvalidInput("inputs: none (expected: at least one tensor)");
    }
    Set<String> seen = new HashSet<>();
    for (RequestedOutput o : outputs) {
      if (!seen.add(o.name())) {
        throw new ArgusException.InvalidInput("output '" + o.name() + "' is requested twice");
      }
    }
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    int offset = jsonLength;
    for (InputBuilder in : inputs) {
      if (in.binarySize >= 0) {
        if (headerLength < 0) {
          throw new ArgusException.InvalidInput(
              "input '"
                  + in.name
                  + "' has binary_data_size but the request has no "
                  + HEADER_LENGTH);
        }
        if (in.binarySize > body.length - offset) {
          throw new ArgusException.InvalidInput(
              "input '"
                  + in.name
                  + "': binary_data_size "
                  + in.binarySize
                  + " runs past the end of the body");
        }
        in.data = decodeBinary(in, body, offset, (int) in.binarySize);
        offset += (int) in.binarySize;
      }
      if (tensors.put(in.name, Tensor.of(in.type, Shape.of(in.shape), in.data)) != null) {
        throw new ArgusException.InvalidInput("input '" + in.name + "' is given twice");
      }
    }
    if (offset != body.length) {
      throw new ArgusException.InvalidInput(
          (body.length - offset)
              + " bytes of binary data after the JSON header belong to no input (binary_data_size)");
    }
    return new Request(id, tensors, outputs, binaryOutputs);
  }

  private static InputBuilder readInput(JsonParser p, long maxElements, long[] elements)
      throws IOException {
    InputBuilder in = new InputBuilder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> in.name = text(p, value, "input name");
        case "datatype" -> {
          String name = text(p, value, "datatype");
          in.type =
              DataType.fromName(name)
                  .orElseThrow(() ->
                      new ArgusException.InvalidInput(
                          "datatype '"
                              + name
                              + "' (expected: BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32,"
                              + " FP64 or BYTES)"));
        }
        case "shape" -> {
          in.shape = readShape(p, value);
          long count = elementCount(in.shape);
          elements[0] += count;
          if (elements[0] > maxElements) {
            throw new ArgusException.InvalidInput(
                "the inputs declare "
                    + elements[0]
                    + " elements (limits.max_tensor_elements: "
                    + maxElements
                    + ")");
          }
        }
        case "parameters" -> {
          JsonNode params = Json.MAPPER.readTree(p);
          JsonNode size = params == null ? null : params.get("binary_data_size");
          if (size != null) {
            if (!size.canConvertToLong()
                || size.asLong() < 0
                || size.asLong() > Integer.MAX_VALUE) {
              throw new ArgusException.InvalidInput(
                  "binary_data_size: " + size + " (expected: >= 0)");
            }
            in.binarySize = size.asLong();
          }
        }
        case "data" -> {
          if (in.type != null && in.shape != null) {
            in.data = readData(p, value, in.type, (int) elementCount(in.shape), label(in));
          } else {
            // "data" before "datatype" or "shape": keep its tokens until they are known.
            in.pending = new TokenBuffer(p);
            in.pending.copyCurrentStructure(p);
          }
        }
        default -> p.skipChildren();
      }
    }
    if (in.name == null || in.name.isEmpty()) {
      throw new ArgusException.InvalidInput("inputs: every tensor needs a \"name\"");
    }
    if (in.type == null) {
      throw new ArgusException.InvalidInput("input '" + in.name + "' has no \"datatype\"");
    }
    if (in.shape == null) {
      throw new ArgusException.InvalidInput("input '" + in.name + "' has no \"shape\"");
    }
    if (in.pending != null) {
      try (JsonParser buffered = in.pending.asParser()) {
        JsonToken first = buffered.nextToken();
        in.data = readData(buffered, first, in.type, (int) elementCount(in.shape), label(in));
      }
    }
    boolean hasData = in.data != null;
    if (hasData && in.binarySize >= 0) {
      throw new ArgusException.InvalidInput(
          "input '" + in.name + "' has both \"data\" and binary_data_size");
    }
    if (!hasData && in.binarySize < 0) {
      throw new ArgusException.InvalidInput(
          "input '" + in.name + "' has no \"data\" (and no binary_data_size)");
    }
    return in;
  }

  private static String label(InputBuilder in) {
    return "input '" + (in.name == null ? "?" : in.name) + "'";
  }

  private static long[] readShape(JsonParser p, JsonToken value) throws IOException {
    expect(p, value, JsonToken.START_ARRAY, "shape", "an array of dimensions");
    List<Long> dims = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          || p.getLongValue() < 0) {
        throw new ArgusException.InvalidInput(
            "shape: '" + p.getText() + "' (expected: dimensions as integers >= 0)");
      }
      dims.add(p.getLongValue());
      if (dims.size() > 16) {
        throw new ArgusException.InvalidInput("shape: more than 16 dimensions");
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    try {
      for (long d : shape) {
        count = Math.multiplyExact(count, d);
      }
    } catch (ArithmeticException e) {
      throw new ArgusException.InvalidInput(
          "shape: " + java.util.Arrays.toString(shape) + " has more elements than can be counted");
    }
    if (count > Integer.MAX_VALUE) {
      throw new ArgusException.InvalidInput(
          "shape: " + java.util.Arrays.toString(shape) + " has too many elements");
    }
    return count;
  }

  /** Reads flat or nested row-major JSON data into a primitive array of {@code count}. */
  static Object readData(JsonParser p, JsonToken first, DataType type, int count, String what)
      throws IOException {
    expect(p, first, JsonToken.START_ARRAY, what + " data", "an array");
    Object array = allocate(type, count);
    int i = 0;
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else {
        if (i >= count) {
          throw new ArgusException.InvalidInput(
              what + " data holds more than the " + count + " elements its shape declares");
        }
        set(array, type, i++, p, t, what);
      }
    }
    if (i != count) {
      throw new ArgusException.InvalidInput(
          what + " data holds " + i + " elements (expected: " + count + " for its shape)");
    }
    return array;
  }

  private static Object allocate(DataType type, int count) {
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

  private static void set(
      Object array, DataType type, int i, JsonParser p, JsonToken t, String what)
      throws IOException {
    switch (type) {
      case FP32 -> ((float[]) array)[i] = float32(p, t, what);
      case FP64 -> ((double[]) array)[i] = number(p, t, what, type);
      case FP16 -> ((short[]) array)[i] = Float.floatToFloat16((float) number(p, t, what, type));
      case BF16 -> ((short[]) array)[i] = toBf16((float) number(p, t, what, type));
      case BOOL -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw wrongElement(what, i, "true or false", p);
        }
        ((boolean[]) array)[i] = t == JsonToken.VALUE_TRUE;
      }
      case BYTES -> {
        if (t != JsonToken.VALUE_STRING) {
          throw wrongElement(what, i, "a string", p);
        }
        ((byte[][]) array)[i] = p.getText().getBytes(StandardCharsets.UTF_8);
      }
      case INT64 -> ((long[]) array)[i] = integer(p, t, what, i, Long.MIN_VALUE, Long.MAX_VALUE);
      case UINT64 -> ((long[]) array)[i] = unsigned64(p, t, what, i);
      case INT32 ->
          ((int[]) array)[i] = (int) integer(p, t, what, i, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case UINT32 -> ((int[]) array)[i] = (int) integer(p, t, what, i, 0, 0xFFFF_FFFFL);
      case INT16 ->
          ((short[]) array)[i] = (short) integer(p, t, what, i, Short.MIN_VALUE, Short.MAX_VALUE);
      case UINT16 -> ((short[]) array)[i] = (short) integer(p, t, what, i, 0, 0xFFFF);
      case INT8 ->
          ((byte[]) array)[i] = (byte) integer(p, t, what, i, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case UINT8 -> ((byte[]) array)[i] = (byte) integer(p, t, what, i, 0, 0xFF);
    }
  }

  /*
   * Numbers are parsed from the parser's own character buffer: getDoubleValue() would first copy
   * each number into a String (Jackson parses floats lazily), about 100 bytes per element.
   */
  private static double number(JsonParser p, JsonToken t, String what, DataType type)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new ArgusException.InvalidInput(
          what + " data: '" + p.getText() + "' (expected: numbers for " + type + ")");
    }
    return NumberInput.parseDouble(
        p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
  }

  private static float float32(JsonParser p, JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new ArgusException.InvalidInput(
          what + " data: '" + p.getText() + "' (expected: numbers for FP32)");
    }
    return NumberInput.parseFloat(
        p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
  }

  private static long integer(JsonParser p, JsonToken t, String what, int i, long min, long max)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongElement(what, i, "an integer", p);
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < min
        || p.getLongValue() > max) {
      throw new ArgusException.InvalidInput(
          what + " element " + i + ": " + p.getText() + " is out of range " + min + ".." + max);
    }
    return p.getLongValue();
  }

  /** 0..2^64-1, kept exactly: above 2^63-1 the bits wrap into a negative long, as uint64 does. */
  private static long unsigned64(JsonParser p, JsonToken t, String what, int i) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongElement(what, i, "an integer", p);
    }
    BigInteger v = p.getBigIntegerValue();
    if (v.signum() < 0 || v.compareTo(TWO_TO_64) >= 0) {
      throw new ArgusException.InvalidInput(
          what + " element " + i + ": " + v + " is out of range 0..18446744073709551615");
    }
    return v.longValue();
  }

  private static ArgusException.InvalidInput wrongElement(
      String what, int i, String expected, JsonParser p) throws IOException {
    return new ArgusException.InvalidInput(
        what + " element " + i + ": '" + p.getText() + "' (expected: " + expected + ")");
  }

  private static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) 0x7FC0;
    }
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16); // round to nearest even
  }

  private static Object decodeBinary(InputBuilder in, byte[] body, int offset, int size) {
    int count = (int) elementCount(in.shape);
    ByteBuffer buf = ByteBuffer.wrap(body, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    if (in.type == DataType.BYTES) {
      byte[][] out = new byte[count][];
      int i = 0;
      while (buf.hasRemaining()) {
        if (buf.remaining() < 4 || i >= count) {
          throw new ArgusException.InvalidInput(
              label(in) + " binary data does not hold " + count + " length-prefixed elements");
        }
        int length = buf.getInt();
        if (length < 0 || length > buf.remaining()) {
          throw new ArgusException.InvalidInput(
              label(in) + " binary element " + i + " claims " + length + " bytes, past its data");
        }
        out[i] = new byte[length];
        buf.get(out[i++]);
      }
      if (i != count) {
        throw new ArgusException.InvalidInput(
            label(in) + " binary data holds " + i + " elements (expected: " + count + ")");
      }
      return out;
    }
    long expected = (long) count * in.type.byteSize();
    if (size != expected) {
      throw new ArgusException.InvalidInput(
          label(in)
              + ": binary_data_size "
              + size
              + " (expected: "
              + expected
              + " = "
              + count
              + " elements of "
              + in.type.byteSize()
              + " bytes)");
    }
    Object array = allocate(in.type, count);
    switch (in.type) {
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
      case BYTES -> throw new AssertionError("handled above");
    }
    return array;
  }

  private static void expect(
      JsonParser p, JsonToken actual, JsonToken wanted, String field, String expected)
      throws IOException {
    if (actual != wanted) {
      throw new ArgusException.InvalidInput(
          field + ": '" + p.getText() + "' (expected: " + expected + ")");
    }
  }

  private static String text(JsonParser p, JsonToken value, String field) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new ArgusException.InvalidInput(field + ": '" + p.getText() + "' (expected: a string)");
    }
    return p.getText();
  }

  private static String textOrNumber(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getText();
    }
    throw new ArgusException.InvalidInput(field + ": '" + p.getText() + "' (expected: a string)");
  }

  // --- responses ------------------------------------------------------------------------------

  /** An encoded response: the body, and the JSON header's length when binary data follows. */
  record Encoded(byte[] body, int headerLength) {}

  /** Writes the response: JSON outputs, or binary ones after the JSON header. */
  static Encoded encode(
      String model, String version, String id, Map<String, Tensor> outputs, Request request) {
    Map<String, Boolean> binaryByName = new LinkedHashMap<>();
    for (RequestedOutput o : request.outputs()) {
      binaryByName.put(o.name(), o.binary() == null ? request.binaryOutputs() : o.binary());
    }
    ByteArrayOutputStream json = new ByteArrayOutputStream(256);
    List<byte[]> binaries = new ArrayList<>();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(json)) {
      g.writeStartObject();
      g.writeStringField("model_name", model);
      g.writeStringField("model_version", version);
      if (id != null) {
        g.writeStringField("id", id);
      }
      g.writeArrayFieldStart("outputs");
      for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
        Tensor t = e.getValue();
        g.writeStartObject();
        g.writeStringField("name", e.getKey());
        g.writeStringField("datatype", t.type().name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape().dims()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        if (binaryByName.getOrDefault(e.getKey(), request.binaryOutputs())) {
          byte[] bytes = toBinary(t);
          binaries.add(bytes);
          g.writeObjectFieldStart("parameters");
          g.writeNumberField("binary_data_size", bytes.length);
          g.writeEndObject();
        } else {
          g.writeFieldName("data");
          writeData(g, t);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (binaries.isEmpty()) {
      return new Encoded(json.toByteArray(), -1);
    }
    int headerLength = json.size();
    for (byte[] b : binaries) {
      json.writeBytes(b);
    }
    return new Encoded(json.toByteArray(), headerLength);
  }

  private static void writeData(JsonGenerator g, Tensor t) throws IOException {
    Object d = t.data();
    g.writeStartArray();
    switch (t.type()) {
      case FP32 -> {
        for (float v : (float[]) d) {
          g.writeNumber(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) d) {
          g.writeNumber(v);
        }
      }
      case FP16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(Float.float16ToFloat(v));
        }
      }
      case BF16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(Float.intBitsToFloat((v & 0xFFFF) << 16));
        }
      }
      case INT64 -> {
        for (long v : (long[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT64 -> {
        for (long v : (long[]) d) {
          g.writeNumber(Long.toUnsignedString(v));
        }
      }
      case INT32 -> {
        for (int v : (int[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT32 -> {
        for (int v : (int[]) d) {
          g.writeNumber(Integer.toUnsignedLong(v));
        }
      }
      case INT16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(v & 0xFFFF);
        }
      }
      case INT8 -> {
        for (byte v : (byte[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT8 -> {
        for (byte v : (byte[]) d) {
          g.writeNumber(v & 0xFF);
        }
      }
      case BOOL -> {
        for (boolean v : (boolean[]) d) {
          g.writeBoolean(v);
        }
      }
      case BYTES -> {
        for (byte[] v : (byte[][]) d) {
          g.writeString(new String(v, StandardCharsets.UTF_8));
        }
      }
    }
    g.writeEndArray();
  }

  /** The tensor's elements, little-endian; BYTES as 4-byte length + bytes per element. */
  static byte[] toBinary(Tensor t) {
    Object d = t.data();
    if (t.type() == DataType.BYTES) {
      byte[][] elements = (byte[][]) d;
      int size = 0;
      for (byte[] e : elements) {
        size += 4 + e.length;
      }
      ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      for (byte[] e : elements) {
        buf.putInt(e.length).put(e);
      }
      return buf.array();
    }
    int count = java.lang.reflect.Array.getLength(d);
    ByteBuffer buf =
        ByteBuffer.allocate(count * t.type().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.type()) {
      case FP32 -> buf.asFloatBuffer().put((float[]) d);
      case FP64 -> buf.asDoubleBuffer().put((double[]) d);
      case INT64, UINT64 -> buf.asLongBuffer().put((long[]) d);
      case INT32, UINT32 -> buf.asIntBuffer().put((int[]) d);
      case INT16, UINT16, FP16, BF16 -> buf.asShortBuffer().put((short[]) d);
      case INT8, UINT8 -> buf.put((byte[]) d);
      case BOOL -> {
        for (boolean b : (boolean[]) d) {
          buf.put((byte) (b ? 1 : 0));
        }
      }
      case BYTES -> throw new AssertionError("handled above");
    }
    return buf.array();
  }
}
