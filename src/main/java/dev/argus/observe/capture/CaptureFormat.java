package dev.argus.observe.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One captured request as one JSON file: readable with {@code jq}, written and read whole. A body
 * that is UTF-8 text is kept as text ({@code "body_encoding": "utf8"}), any other as base64; {@code
 * body_bytes} is its size as sent and {@code body_truncated} says when only the first {@code
 * capture.max_request_bytes} of it were kept.
 */
public final class CaptureFormat {
  /** The value of {@code "format"} in every file, changed when the layout changes. */
  public static final String FORMAT = "argus-capture/1";

  /** Captured files end so; anything else in the directory is not Argus's. */
  public static final String SUFFIX = ".json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CaptureFormat() {}

  /**
   * The file name of {@code r}: arrival time first, so names sort oldest first, then a sequence
   * number and the request id (only its safe characters) to make it unique.
   */
  public static String fileName(CapturedRequest r, long sequence) {
    String id = r.requestId().replaceAll("[^A-Za-z0-9_-]", "");
    if (id.length() > 64) {
      id = id.substring(0, 64);
    }
    return String.format(Locale.ROOT, "%013d-%08d-%s%s", r.timeMillis(), sequence, id, SUFFIX);
  }

  /** The JSON of one captured request. */
  public static byte[] write(CapturedRequest r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + r.body().stored() * 4 / 3);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("format", FORMAT);
      g.writeStringField("time", Instant.ofEpochMilli(r.timeMillis()).toString());
      g.writeNumberField("time_ms", r.timeMillis());
      g.writeStringField("request_id", r.requestId());
      g.writeStringField("trace_id", r.traceId());
      g.writeStringField("protocol", r.protocol());
      g.writeStringField("reason", r.reason());
      g.writeObjectFieldStart("request");
      g.writeStringField("method", r.method());
      g.writeStringField("path", r.path());
      g.writeStringField("route", r.route());
      g.writeStringField("model", r.model());
      g.writeStringField("version", r.version());
      headers(g, r.headers());
      body(g, r.body(), r.header("content-type").orElse(""));
      g.writeEndObject();
      CapturedRequest.Response a = r.response();
      g.writeObjectFieldStart("response");
      g.writeNumberField("status", a.status());
      g.writeStringField("outcome", a.outcome());
      g.writeStringField("error_type", a.errorType());
      g.writeStringField("error_message", a.errorMessage());
      g.writeStringField("prediction", a.prediction());
      if (!Double.isNaN(a.confidence())) {
        g.writeNumberField("confidence", a.confidence());
      }
      g.writeNumberField("duration_ms", a.durationMs());
      g.writeObjectFieldStart("phases_ms");
      for (Map.Entry<String, Double> p : a.phasesMs().entrySet()) {
        g.writeNumberField(p.getKey(), p.getValue());
      }
      g.writeEndObject();
      g.writeNumberField("batch_size", a.batchSize());
      headers(g, a.headers());
      body(g, a.body(), a.header("content-type").orElse(""));
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void headers(JsonGenerator g, Map<String, String> headers) throws IOException {
    g.writeObjectFieldStart("headers");
    for (Map.Entry<String, String> h : new java.util.TreeMap<>(headers).entrySet()) {
      g.writeStringField(h.getKey(), h.getValue());
    }
    g.writeEndObject();
  }

  private static void body(JsonGenerator g, CapturedRequest.Body body, String contentType)
      throws IOException {
    g.writeNumberField("body_bytes", body.size());
    g.writeBooleanField("body_truncated", body.truncated());
    String text = textual(contentType) ? utf8(body) : null;
    if (text != null) {
      g.writeStringField("body_encoding", "utf8");
      g.writeStringField("body", text);
    } else {
      g.writeStringField("body_encoding", "base64");
      g.writeFieldName("body");
      g.writeBinary(body.data(), 0, body.stored());
    }
  }

  private static boolean textual(String contentType) {
    String t = contentType.toLowerCase(Locale.ROOT);
    return t.contains("json") || t.startsWith("text/");
  }

  /** The body as text, or null when it is not valid UTF-8 (binary, or cut inside a character). */
  private static String utf8(CapturedRequest.Body body) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.data(), 0, body.stored()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Reads one file's JSON.
   *
   * @throws IllegalArgumentException when it is not a captured request of this format
   */
  public static CapturedRequest read(byte[] json) {
    JsonNode n;
    try {
      n = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (n == null || !FORMAT.equals(n.path("format").asText())) {
      throw new IllegalArgumentException(
          "format: " + (n == null ? "none" : n.path("format")) + " (expected: " + FORMAT + ")");
    }
    JsonNode q = n.path("request");
    JsonNode a = n.path("response");
    Map<String, Double> phases = new LinkedHashMap<>();
    a.path("phases_ms")
        .fields()
        .forEachRemaining(e -> phases.put(e.getKey(), e.getValue().asDouble()));
    return new CapturedRequest(
        n.path("time_ms").asLong(),
        n.path("request_id").asText(),
        n.path("trace_id").asText(),
        n.path("protocol").asText("http"),
        n.path("reason").asText(),
        q.path("method").asText("POST"),
        q.path("path").asText(),
        q.path("route").asText(),
        q.path("model").asText(),
        q.path("version").asText(),
        headersOf(q.path("headers")),
        bodyOf(q),
        new CapturedRequest.Response(
            a.path("status").asInt(),
            a.path("outcome").asText(),
            a.path("error_type").asText(),
            a.path("error_message").asText(),
            headersOf(a.path("headers")),
            bodyOf(a),
            a.path("prediction").asText(),
            a.has("confidence") ? a.path("confidence").asDouble() : Double.NaN,
            a.path("duration_ms").asDouble(),
            phases,
            a.path("batch_size").asInt()));
  }

  private static Map<String, String> headersOf(JsonNode node) {
    Map<String, String> headers = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    return headers;
  }

  private static CapturedRequest.Body bodyOf(JsonNode node) {
    String text = node.path("body").asText("");
    byte[] data =
        "utf8".equals(node.path("body_encoding").asText())
            ? text.getBytes(StandardCharsets.UTF_8)
            : Base64.getDecoder().decode(text);
    return new CapturedRequest.Body(
        data, data.length, Math.max(data.length, node.path("body_bytes").asLong(data.length)));
  }
}
