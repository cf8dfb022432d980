package dev.argus.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.service.ArgusException;
import dev.argus.service.Classification;
import dev.argus.service.InferenceService;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.edge.Timeouts;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /predict} and {@code POST /predict/{model}}: an image in (multipart field {@code
 * file}, or JSON {@code {"image": "<base64>", "top_k": 5}}), labels out.
 */
final class PredictHandler implements Routes {
  private static final String ACCEPTED = "multipart/form-data or application/json";

  private final InferenceService service;
  private final long maxRequestBytes;
  private final Duration maxTimeout;

  PredictHandler(InferenceService service, long maxRequestBytes, Duration maxTimeout) {
    this.service = service;
    this.maxRequestBytes = maxRequestBytes;
    this.maxTimeout = maxTimeout;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.limited(
            Method.POST,
            "/predict",
            "Classify an image with the default model",
            (req, res) -> predict(req, res, null)),
        Endpoint.limited(
            Method.POST,
            "/predict/{model}",
            "Classify an image with a named model",
            (req, res) -> predict(req, res, req.path().pathParameters().get("model"))));
  }

  private record Input(byte[] image, int topK) {}

  private void predict(ServerRequest req, ServerResponse res, String model) {
    // Shed before reading the body when the server is saturated: the cheapest refusal there is.
    var refusal = service.refusalIfSaturated(model, HttpEdge.record(req));
    if (refusal.isPresent()) {
      Responses.refuse(req, res, refusal.get());
      return;
    }
    byte[] body = Bodies.read(req, maxRequestBytes);
    String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
    if (body.length == 0) {
      throw new ArgusException.InvalidInput(
          "request body is empty (expected: a multipart/form-data upload with a field 'file', or"
              + " JSON {\"image\": \"<base64>\"})");
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    Input input =
        switch (mediaType) {
          case "multipart/form-data" -> fromMultipart(req, contentType, body);
          case "application/json" -> fromJson(body);
          default ->
              throw new EdgeException.UnsupportedMediaType(
                  contentType.isEmpty() ? "(none)" : contentType, ACCEPTED);
        };
    Payloads.requestImage(req, input.image(), input.topK());
    Classification result =
        service.classify(
            new InferenceService.ImageRequest(model, input.image(), input.topK()),
            Timeouts.requested(HttpEdge.header(req, Timeouts.HEADER), maxTimeout),
            HttpEdge.record(req));
    Responses.serverTiming(res, result.timings());
    Responses.json(req, res, 200, body(result, HttpEdge.requestId(req)));
  }

  private static Input fromMultipart(ServerRequest req, String contentType, byte[] body) {
    Map<String, byte[]> parts = Multipart.parts(contentType, body);
    byte[] file = parts.get("file");
    if (file == null) {
      throw new ArgusException.InvalidInput(
          "multipart body has no field 'file' (fields: " + parts.keySet() + ")");
    }
    String topK =
        parts.containsKey("top_k")
            ? new String(parts.get("top_k"), StandardCharsets.UTF_8).trim()
            : req.query().first("top_k").orElse("0");
    try {
      return new Input(file, Integer.parseInt(topK));
    } catch (NumberFormatException e) {
      throw new ArgusException.InvalidInput("top_k: '" + topK + "' (expected: an integer)");
    }
  }

  private static Input fromJson(byte[] body) {
    JsonNode json = Json.parse(body);
    if (!json.isObject()) {
      throw new ArgusException.InvalidInput(
          "JSON body is "
              + json.getNodeType().name().toLowerCase(Locale.ROOT)
              + " (expected: an object {\"image\": \"<base64>\"})");
    }
    JsonNode image = json.get("image");
    if (image == null || !image.isTextual()) {
      throw new ArgusException.InvalidInput(
          "field 'image' is "
              + (image == null ? "missing" : "not a string")
              + " (expected: the encoded image as a base64 string)");
    }
    JsonNode topK = json.get("top_k");
    if (topK != null && !topK.canConvertToExactIntegral()) {
      throw new ArgusException.InvalidInput("top_k: " + topK + " (expected: an integer)");
    }
    String base64 = image.asText();
    int comma = base64.startsWith("data:") ? base64.indexOf(',') : -1;
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(base64.substring(comma + 1));
      if (bytes.length == 0 && !base64.isEmpty()) {
        throw new IllegalArgumentException("no base64 characters");
      }
      return new Input(bytes, topK == null ? 0 : topK.asInt());
    } catch (IllegalArgumentException e) {
      throw new ArgusException.InvalidInput(
          "field 'image' is not valid base64: " + e.getMessage(), e);
    }
  }

  static ObjectNode body(Classification c, String requestId) {
    ObjectNode body = Json.object();
    body.put("model", c.model());
    body.put("model_version", c.version());
    body.put("prediction", c.top().label());
    body.put("confidence", c.top().confidence());
    ArrayNode predictions = body.putArray("predictions");
    for (Classification.Prediction p : c.predictions()) {
      predictions
          .addObject()
          .put("label", p.label())
          .put("class_id", p.classId())
          .put("confidence", p.confidence());
    }
    body.put("inference_time_ms", Math.round(c.timings().totalNanos() / 1000.0) / 1000.0);
    body.put("request_id", requestId);
    return body;
  }
}
