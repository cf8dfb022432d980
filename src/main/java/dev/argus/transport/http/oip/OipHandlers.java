package dev.argus.transport.http.oip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.health.HealthService;
import dev.argus.model.ModelMetadata;
import dev.argus.model.TensorSpec;
import dev.argus.service.ArgusException;
import dev.argus.service.InferResult;
import dev.argus.service.InferenceService;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ServingModel;
import dev.argus.transport.edge.Timeouts;
import dev.argus.transport.http.Bodies;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.HttpEdge;
import dev.argus.transport.http.Json;
import dev.argus.transport.http.Payloads;
import dev.argus.transport.http.Responses;
import dev.argus.transport.http.Routes;
import dev.argus.transport.http.ServerInfo;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Open Inference Protocol v2 over REST (KServe's "v2", Triton's HTTP API): server and model
 * metadata, health, readiness and inference, with Triton's binary tensor extension. Inference goes
 * through the same {@link InferenceService} as {@code /predict}.
 */
public final class OipHandlers implements Routes {
  static final List<String> EXTENSIONS =
      List.of("binary_tensor_data", "model_repository", "statistics");

  private final InferenceService service;
  private final ModelCatalogue catalogue;
  private final HealthService health;
  private final ServerInfo info;
  private final long maxRequestBytes;
  private final long maxTensorElements;
  private final Duration maxTimeout;

  public OipHandlers(
      InferenceService service,
      ModelCatalogue catalogue,
      HealthService health,
      ServerInfo info,
      long maxRequestBytes,
      long maxTensorElements,
      Duration maxTimeout) {
    this.service = service;
    this.catalogue = catalogue;
    this.health = health;
    this.info = info;
    this.maxRequestBytes = maxRequestBytes;
    this.maxTensorElements = maxTensorElements;
    this.maxTimeout = maxTimeout;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(Method.GET, "/v2", "Server metadata (Open Inference Protocol)", this::server),
        Endpoint.open(
            Method.GET, "/v2/health/live", "Liveness (Open Inference Protocol)", this::live),
        Endpoint.open(
            Method.GET, "/v2/health/ready", "Readiness (Open Inference Protocol)", this::ready),
        Endpoint.open(
            Method.GET,
            "/v2/models/{model}",
            "Model metadata: inputs and outputs with datatypes and shapes",
            this::metadata),
        Endpoint.open(
            Method.GET,
            "/v2/models/{model}/versions/{version}",
            "Model metadata of a version",
            this::metadata),
        Endpoint.open(Method.GET, "/v2/models/{model}/ready", "Model readiness", this::modelReady),
        Endpoint.open(
            Method.GET,
            "/v2/models/{model}/versions/{version}/ready",
            "Model readiness of a version",
            this::modelReady),
        Endpoint.limited(
            Method.POST,
            "/v2/models/{model}/infer",
            "Inference on tensors (JSON or binary tensor extension)",
            this::infer),
        Endpoint.limited(
            Method.POST,
            "/v2/models/{model}/versions/{version}/infer",
            "Inference on a version",
            this::infer));
  }

  /** {@code GET /v2}: server metadata. */
  private void server(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    body.put("name", info.name());
    body.put("version", info.version());
    ArrayNode extensions = body.putArray("extensions");
    EXTENSIONS.forEach(extensions::add);
    Responses.json(req, res, 200, body);
  }

  /** {@code GET /v2/health/live}: KServe's client reads {@code live} from the body. */
  private void live(ServerRequest req, ServerResponse res) {
    boolean up = health.liveness().up();
    Responses.json(req, res, up ? 200 : 503, Json.object().put("live", up));
  }

  /** {@code GET /v2/health/ready}: the same verdict as {@code /readyz}. */
  private void ready(ServerRequest req, ServerResponse res) {
    boolean up = health.readiness().up();
    Responses.json(req, res, up ? 200 : 503, Json.object().put("ready", up));
  }

  /** {@code GET /v2/models/{model}[/versions/{version}]}: names, datatypes and shapes. */
  private void metadata(ServerRequest req, ServerResponse res) {
    ServingModel m = catalogue.serving(model(req), version(req));
    ModelMetadata meta = m.model().model().metadata();
    ObjectNode body = Json.object();
    body.put("name", m.name());
    body.putArray("versions").add(m.version());
    body.put("platform", "onnxruntime_onnx");
    tensors(body.putArray("inputs"), meta.inputs());
    tensors(body.putArray("outputs"), meta.outputs());
    if (m.model().settings().isImageClassifier()) {
      // Not part of the session's metadata: the image path documented in docs/oip.md.
      body.putObject("parameters")
          .put("image_input", "one BYTES input of encoded images, shape [N]")
          .put("image_outputs", String.join(", ", InferenceService.IMAGE_OUTPUTS));
    }
    Responses.json(req, res, 200, body);
  }

  private static void tensors(ArrayNode out, List<TensorSpec> tensors) {
    for (TensorSpec t : tensors) {
      ObjectNode o = out.addObject();
      o.put("name", t.name());
      o.put("datatype", t.type().name());
      ArrayNode shape = o.putArray("shape");
      for (long d : t.shape().dims()) {
        shape.add(d);
      }
    }
  }

  /**
   * {@code GET /v2/models/{model}[/versions/{version}]/ready}: judged by the status code: 200
   * ready, 503 for a known model that does not serve now (loading, failed, unloaded), 404 for a
   * model (or version) that does not exist, as clients expect.
   */
  private void modelReady(ServerRequest req, ServerResponse res) {
    String name = model(req);
    String version = version(req);
    // A folder of the repository that was never loaded is a model that is not ready, not unknown.
    ModelCatalogue.Status status =
        catalogue
            .status(name)
            .or(() ->
                catalogue.repository().modelNames().contains(name)
                    ? Optional.of(new ModelCatalogue.Status(name, "", null, "not loaded"))
                    : Optional.empty())
            .orElseThrow(() -> ArgusException.NotFound.model(name));
    if (version != null && !status.version().isEmpty() && !version.equals(status.version())) {
      throw ArgusException.NotFound.version(name, version, status.version());
    }
    boolean ready = catalogue.isReady(name, version);
    Responses.json(
        req, res, ready ? 200 : 503, Json.object().put("name", name).put("ready", ready));
  }

  /** {@code POST /v2/models/{model}[/versions/{version}]/infer}. */
  private void infer(ServerRequest req, ServerResponse res) {
    var refusal = service.refusalIfSaturated(model(req), HttpEdge.record(req));
    if (refusal.isPresent()) {
      Responses.refuse(req, res, refusal.get());
      return;
    }
    int headerLength = headerLength(req);
    byte[] body = Bodies.read(req, maxRequestBytes);
    long received = System.nanoTime();
    // A header longer than the body is refused by the parse below; log what there is.
    Payloads.requestText(
        req, body, headerLength < 0 ? body.length : Math.min(headerLength, body.length));
    OipRequestReader.Request request =
        OipRequestReader.parse(body, headerLength, maxTensorElements);
    InferResult result =
        service.infer(
            new InferenceService.TensorRequest(
                model(req),
                version(req),
                request.inputs(),
                request.outputNames(),
                body.length,
                received),
            Timeouts.requested(HttpEdge.header(req, Timeouts.HEADER), maxTimeout),
            HttpEdge.record(req));
    Responses.serverTiming(res, result.timings());
    OipResponseWriter.Encoded encoded =
        OipResponseWriter.encode(
            result.model(), result.version(), request.id(), result.outputs(), request);
    byte[] out = encoded.body();
    if (encoded.headerLength() >= 0) {
      // A binary answer: its JSON header is all the canonical line may show.
      res.header(
          dev.argus.transport.http.HttpEdge.headerName(OipRequestReader.HEADER_LENGTH),
          String.valueOf(encoded.headerLength()));
      Responses.send(req, res, 200, "application/octet-stream", out, encoded.headerLength());
    } else {
      Responses.send(req, res, 200, Responses.JSON, out, out.length);
    }
  }

  static String model(ServerRequest req) {
    return req.path().pathParameters().get("model");
  }

  private static String version(ServerRequest req) {
    return req.path().pathParameters().first("version").orElse(null);
  }

  private static int headerLength(ServerRequest req) {
    Optional<String> h = HttpEdge.header(req, OipRequestReader.HEADER_LENGTH);
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
        OipRequestReader.HEADER_LENGTH + ": '" + h.get() + "' (expected: a length in bytes)");
  }
}
