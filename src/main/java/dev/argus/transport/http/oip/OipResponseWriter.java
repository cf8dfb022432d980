package dev.argus.transport.http.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import dev.argus.transport.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Open Inference Protocol v2 responses: outputs as JSON {@code data}, or, where the client
 * asked for binary data, as little-endian bytes after the JSON header.
 */
final class OipResponseWriter {
  private OipResponseWriter() {}

  /** An encoded response: the body, and the JSON header's length when binary data follows. */
  record Encoded(byte[] body, int headerLength) {}

  /** Writes the response: JSON outputs, or binary ones after the JSON header. */
  static Encoded encode(
      String model,
      String version,
      String id,
      Map<String, Tensor> outputs,
      OipRequestReader.Request request) {
    Map<String, Boolean> binaryByName = new LinkedHashMap<>();
    for (OipRequestReader.RequestedOutput o : request.outputs()) {
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
          byte[] bytes = TensorCodec.toLittleEndian(t);
          binaries.add(bytes);
          g.writeObjectFieldStart("parameters");
          g.writeNumberField("binary_data_size", bytes.length);
          g.writeEndObject();
        } else {
          g.writeFieldName("data");
          OipJsonTensors.writeData(g, t);
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
}
