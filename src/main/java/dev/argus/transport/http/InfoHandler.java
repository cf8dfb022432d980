package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.service.ArgusException;
import dev.argus.service.ModelCatalogue;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/** {@code GET /}: what this server is, its models and endpoints; {@code GET /openapi.yaml}. */
final class InfoHandler implements Routes {
  private final ServerInfo info;
  private final ModelCatalogue catalogue;
  private final Supplier<List<Endpoint>> endpoints;
  private final byte[] openApi = readOpenApi();

  /**
   * @param endpoints the endpoints of the listener this handler is served on
   */
  InfoHandler(ServerInfo info, ModelCatalogue catalogue, Supplier<List<Endpoint>> endpoints) {
    this.info = info;
    this.catalogue = catalogue;
    this.endpoints = endpoints;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET, "/", "Service name, version, models and endpoints", this::describe),
        Endpoint.open(
            Method.GET, "/openapi.yaml", "This API as an OpenAPI document", this::openApi));
  }

  private void describe(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    body.put("service", info.name());
    body.put("version", info.version());
    body.put("runtime", info.runtime());
    ArrayNode models = body.putArray("models");
    for (ModelCatalogue.Status s : catalogue.statuses()) {
      ObjectNode m = models.addObject();
      m.put("name", s.name()).put("version", s.version());
      m.put("state", s.state().label());
      if (!s.reason().isEmpty()) {
        m.put("reason", s.reason());
      }
    }
    try {
      body.put("default_model", catalogue.defaultModelName());
    } catch (ArgusException.InvalidInput e) {
      body.putNull("default_model");
    }
    ArrayNode list = body.putArray("endpoints");
    for (Endpoint e : endpoints.get()) {
      list.addObject()
          .put("method", e.method().text())
          .put("path", e.path())
          .put("summary", e.summary());
    }
    Responses.json(req, res, 200, body);
  }

  private void openApi(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/yaml");
    res.send(openApi);
  }

  private static byte[] readOpenApi() {
    try (InputStream in = InfoHandler.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
