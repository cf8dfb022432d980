package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.health.HealthService;
import dev.argus.service.ArgusException;
import dev.argus.service.InferenceService;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Open Inference Protocol v2 over REST (KServe's "v2", Triton's HTTP API), with Triton's binary
 * tensor, model repository and statistics extensions. Requests share admission, the batcher,
 * metrics, spans and logs with {@code /predict}.
 */
final class OipHandlers {
  static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "model_repository", "statistics");
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

  private final InferenceService service;
  private final HealthService health;
  private final HttpServer.ServerInfo info;
  private final long maxRequestBytes;
  private final long maxTensorElements;
  private final Duration maxTimeout;

  OipHandlers(
      InferenceService service,
      HealthService health,
      HttpServer.ServerInfo info,
      long maxRequestBytes,
      long maxTensorElements,
      Duration maxTimeout) {
    this.service = service;
    this.health = health;
    this.info = info;
    this.maxRequestBytes = maxRequestBytes;
    this.maxTensorElements = maxTensorElements;
    this.maxTimeout = maxTimeout;
  }

  /** {@code GET /v2}: server metadata. */
  void server(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    body.put("name", info.name());
    body.put("version", info.version());
    ArrayNode extensions = body.putArray("extensions");
    EXTENSIONS.forEach(extensions::add);
    Responses.json(req, res, 200, body);
  }

  /** {@code GET /v2/health/live}: KServe's client reads {@code live} from the body. */
  void live(ServerRequest req, ServerResponse res) {
    boolean up = health.liveness().up();
    Responses.json(req, res, up ? 200 : 503, Json.object().put("live", up));
  }

  /** {@code GET /v2/health/ready}: the same verdict as {@code /readyz}. */
  void ready(ServerRequest req, ServerResponse res) {
    boolean up = health.readiness().up();
    Responses.json(req, res, up ? 200 : 503, Json.object().put("ready", up));
  }

  /** {@code GET /v2/models/{model}[/versions/{version}]}: names, datatypes and shapes. */
  void metadata(ServerRequest req, ServerResponse res) {
    InferenceService.ModelInfo m = service.modelInfo(model(req), version(req));
    ObjectNode body = Json.object();
    body.put("name", m.name());
    body.putArray("versions").add(m.version());
    body.put("platform", "onnxruntime_onnx");
    tensors(body.putArray("inputs"), m.inputs());
    tensors(body.putArray("outputs"), m.outputs());
    if (m.acceptsImages()) {
      // Not part of the session's metadata: the image path documented in docs/oip.md.
      body.putObject("parameters")
          .put("image_input", "one BYTES input of encoded images, shape [N]")
          .put("image_outputs", String.join(", ", InferenceService.IMAGE_OUTPUTS));
    }
    Responses.json(req, res, 200, body);
  }

  private static void tensors(ArrayNode out, List<InferenceService.TensorInfo> tensors) {
    for (InferenceService.TensorInfo t : tensors) {
      ObjectNode o = out.addObject();
      o.put("name", t.name());
      o.put("datatype", t.type().name());
      ArrayNode shape = o.putArray("shape");
      for (long d : t.shape().dims()) {
        shape.add(d);
      }
    }
  }

  /** {@code GET /v2/models/{model}[/versions/{version}]/ready}: judged by the status code. */
  void modelReady(ServerRequest req, ServerResponse res) {
    String name = model(req);
    boolean ready = service.isReady(name, version(req));
    Responses.json(
        req, res, ready ? 200 : 503, Json.object().put("name", name).put("ready", ready));
  }

  /** {@code POST /v2/models/{model}[/versions/{version}]/infer}. */
  void infer(ServerRequest req, ServerResponse res) {
    try (InferenceService.Permit permit = service.admit()) {
      String model = model(req);
      String version = version(req);
      int headerLength = headerLength(req);
      byte[] body = Bodies.read(req, maxRequestBytes);
      long received = System.nanoTime();
      // A header longer than the body is refused by the parse below; log what there is.
      Payloads.requestText(
          req, body, headerLength < 0 ? body.length : Math.min(headerLength, body.length));
      OipCodec.Request request = OipCodec.parse(body, headerLength, maxTensorElements);
      InferenceService.InferResult result =
          service.infer(
              model,
              version,
              request.inputs(),
              request.outputNames(),
              received,
              body.length,
              PredictHandler.timeout(req, maxTimeout));
      res.header(
          HeaderNames.create("Server-Timing"), PredictHandler.serverTiming(result.timings()));
      OipCodec.Encoded encoded =
          OipCodec.encode(
              result.model(), result.version(), request.id(), result.outputs(), request);
      send(req, res, encoded);
    }
  }

  /** A JSON answer, or a binary one whose JSON header is all the canonical line may show. */
  private static void send(ServerRequest req, ServerResponse res, OipCodec.Encoded encoded) {
    byte[] body = encoded.body();
    if (encoded.headerLength() >= 0) {
      res.header(
          HeaderNames.create(OipCodec.HEADER_LENGTH), String.valueOf(encoded.headerLength()));
      Responses.send(req, res, 200, "application/octet-stream", body, encoded.headerLength());
    } else {
      Responses.send(req, res, 200, Responses.JSON, body, body.length);
    }
  }

  /** {@code POST /v2/repository/index}: every model in the repository folder and its state. */
  void index(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096); // {"ready": bool} may be sent; every model is listed either way
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (InferenceService.ModelState s : service.repositoryIndex()) {
      ObjectNode o = list.addObject();
      o.put("name", s.name());
      if (!s.version().isEmpty()) {
        o.put("version", s.version());
      }
      o.put("state", tritonState(s.state()));
      if (!s.reason().isEmpty()) {
        o.put("reason", s.reason());
      }
    }
    Responses.json(req, res, 200, list);
  }

  private static String tritonState(String state) {
    return switch (state) {
      case "ready" -> "READY";
      case "loading" -> "LOADING";
      case "unknown" -> "";
      default -> "UNAVAILABLE";
    };
  }

  /** {@code POST /v2/repository/models/{model}/load}: (re)loads it and waits until it serves. */
  void load(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096);
    InferenceService.ModelState s = service.load(model(req), LOAD_TIMEOUT);
    Responses.json(
        req,
        res,
        200,
        Json.object().put("name", s.name()).put("version", s.version()).put("state", "READY"));
  }

  /** {@code POST /v2/repository/models/{model}/unload}: stops serving it. */
  void unload(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096);
    InferenceService.ModelState s = service.unload(model(req));
    Responses.json(
        req,
        res,
        200,
        Json.object()
            .put("name", s.name())
            .put("version", s.version())
            .put("state", "UNAVAILABLE"));
  }

  private static String model(ServerRequest req) {
    return req.path().pathParameters().get("model");
  }

  private static String version(ServerRequest req) {
    return req.path().pathParameters().first("version").orElse(null);
  }

  private static int headerLength(ServerRequest req) {
    Optional<String> h = req.headers().first(HeaderNames.create(OipCodec.HEADER_LENGTH));
    if (h.isEmpty()) {
      return -1;
    }
    try {
      int n = Integer.parseInt(h.get().trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ArgusException.InvalidInput(
        OipCodec.HEADER_LENGTH + ": '" + h.get() + "' (expected: a length in bytes)");
  }
}
