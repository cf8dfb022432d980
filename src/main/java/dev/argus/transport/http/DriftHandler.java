package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.observe.DriftMonitor;
import dev.argus.service.ArgusException;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** {@code GET /v2/models/{model}/drift}: the model's reference, recent window and verdicts. */
final class DriftHandler implements Routes {
  private final DriftMonitor drift;

  DriftHandler(DriftMonitor drift) {
    this.drift = drift;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET,
            "/v2/models/{model}/drift",
            "Drift of a model's recent requests against its reference profile",
            this::handle));
  }

  private void handle(ServerRequest req, ServerResponse res) {
    String model = req.path().pathParameters().get("model");
    DriftMonitor.Report r =
        drift.report(model).orElseThrow(() -> ArgusException.NotFound.model(model));
    ObjectNode body = Json.object();
    body.put("model", r.model());
    body.putObject("reference")
        .put("source", r.referenceSource())
        .put("size", r.referenceSize())
        .put("complete", r.referenceComplete());
    body.putObject("recent").put("size", r.recentSize());
    body.put("evaluated_at", r.evaluatedAt() == null ? null : r.evaluatedAt().toString());
    body.put("drift", r.features().stream().anyMatch(DriftMonitor.FeatureResult::detected));
    ArrayNode features = body.putArray("features");
    for (DriftMonitor.FeatureResult f : r.features()) {
      ObjectNode o = features.addObject();
      o.put("feature", f.feature());
      o.put("test", f.test());
      o.put("score", f.score());
      o.put("p_value", f.pValue());
      if (f.psi() != null) {
        o.put("psi", f.psi());
      }
      o.put("detected", f.detected());
    }
    Responses.json(req, res, 200, body);
  }
}
