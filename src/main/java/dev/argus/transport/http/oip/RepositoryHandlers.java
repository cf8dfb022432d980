package dev.argus.transport.http.oip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ModelLifecycle;
import dev.argus.transport.http.Bodies;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.Json;
import dev.argus.transport.http.Responses;
import dev.argus.transport.http.Routes;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.List;

/**
 * Triton's model repository extension: the index of the repository folder (open), and loading and
 * unloading a model (admin token).
 */
public final class RepositoryHandlers implements Routes {
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

  private final ModelCatalogue catalogue;
  private final ModelLifecycle lifecycle;

  public RepositoryHandlers(ModelCatalogue catalogue, ModelLifecycle lifecycle) {
    this.catalogue = catalogue;
    this.lifecycle = lifecycle;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.POST,
            "/v2/repository/index",
            "Models in the repository folder and their state",
            this::index),
        Endpoint.admin(
            Method.POST,
            "/v2/repository/models/{model}/load",
            "Load or reload a model (admin token)",
            this::load),
        Endpoint.admin(
            Method.POST,
            "/v2/repository/models/{model}/unload",
            "Unload a model (admin token)",
            this::unload));
  }

  /** {@code POST /v2/repository/index}: every model in the repository folder and its state. */
  private void index(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096); // {"ready": bool} may be sent; every model is listed either way
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (ModelCatalogue.Status s : catalogue.repositoryIndex()) {
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

  /** Triton's words for a model's state; a folder never loaded has none. */
  private static String tritonState(ModelCatalogue.State state) {
    if (state == null) {
      return "";
    }
    return switch (state) {
      case READY -> "READY";
      case LOADING -> "LOADING";
      case STALLED, FAILED, UNLOADED -> "UNAVAILABLE";
    };
  }

  /** {@code POST /v2/repository/models/{model}/load}: (re)loads it and waits until it serves. */
  private void load(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096);
    ModelCatalogue.Status s = lifecycle.load(OipHandlers.model(req), LOAD_TIMEOUT);
    Responses.json(
        req,
        res,
        200,
        Json.object().put("name", s.name()).put("version", s.version()).put("state", "READY"));
  }

  /** {@code POST /v2/repository/models/{model}/unload}: stops serving it. */
  private void unload(ServerRequest req, ServerResponse res) {
    Bodies.read(req, 4096);
    ModelCatalogue.Status s = lifecycle.unload(OipHandlers.model(req));
    Responses.json(
        req,
        res,
        200,
        Json.object()
            .put("name", s.name())
            .put("version", s.version())
            .put("state", "UNAVAILABLE"));
  }
}
