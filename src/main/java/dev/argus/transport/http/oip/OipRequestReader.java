package dev.argus.transport.http.oip;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import dev.argus.transport.http.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Open Inference Protocol v2 request bodies: JSON, and Triton's binary tensor extension (a
 * JSON header, then each input's bytes). Tensor data is streamed from the parser straight into
 * primitive arrays sized from the declared shape ({@link OipJsonTensors}): nothing is allocated
 * before the shape has been checked against {@code limits.max_tensor_elements}.
 */
public final class OipRequestReader {
  public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  private OipRequestReader() {}

  /** An output the client asked for, and whether it wants it as binary data. */
  public record RequestedOutput(String name, Boolean binary) {}

  /** A parsed inference request. */
  public record Request(
      String id, Map<String, Tensor> inputs, List<RequestedOutput> outputs, boolean binaryOutputs) {
    public List<String> outputNames() {
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
  public static Request parse(byte[] body, int headerLength, long maxElements) {
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
            OipJsonTensors.expect(p, value, JsonToken.START_ARRAY, "inputs", "an array of tensors");
            while (p.nextToken() == JsonToken.START_OBJECT) {
              inputs.add(readInput(p, maxElements, elements));
            }
          }
          case "outputs" -> {
            OipJsonTensors.expect(
                p, value, JsonToken.START_ARRAY, "outputs", "an array of {\"name\": ...}");
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
      Tensor tensor =
          in.data instanceof ByteBuffer bytes
              ? Tensor.ofBinary(in.type, Shape.of(in.shape), bytes)
              : Tensor.of(in.type, Shape.of(in.shape), in.data);
      if (tensors.put(in.name, tensor) != null) {
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
            in.data =
                OipJsonTensors.readData(p, value, in.type, (int) elementCount(in.shape), label(in));
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
        in.data =
            OipJsonTensors.readData(
                buffered, first, in.type, (int) elementCount(in.shape), label(in));
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
    OipJsonTensors.expect(p, value, JsonToken.START_ARRAY, "shape", "an array of dimensions");
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

  private static Object decodeBinary(InputBuilder in, byte[] body, int offset, int size) {
    int count = (int) elementCount(in.shape);
    ByteBuffer buf = ByteBuffer.wrap(body, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    if (in.type == DataType.BYTES) {
      try {
        return TensorCodec.readLengthPrefixed(buf, count);
      } catch (IllegalArgumentException e) {
        throw new ArgusException.InvalidInput(label(in) + " " + e.getMessage(), e);
      }
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
    return buf; // Tensor.ofBinary holds it as the body's own bytes
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
}
