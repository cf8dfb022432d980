package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.observe.SloTracker;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** {@code GET /slo}: each objective's SLI per window, error budget, burn rates and status. */
final class SloHandler implements Routes {
  private final SloTracker slo;

  SloHandler(SloTracker slo) {
    this.slo = slo;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET,
            "/slo",
            "Service level objectives: SLI per window, error budget, burn rates, status",
            this::handle));
  }

  private void handle(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("objectives");
    for (SloTracker.Status s : slo.statuses()) {
      ObjectNode o = list.addObject();
      o.put("name", s.objective().name());
      o.put("model", s.objective().model());
      o.put("type", s.objective().type());
      o.put("target", s.objective().target());
      if (s.objective().latency()) {
        o.put("threshold_ms", s.objective().threshold().toMillis());
      }
      o.put("window", SloTracker.label(s.objective().window()));
      o.put("status", s.status());
      o.put("valid_events", s.validEvents());
      ObjectNode sli = o.putObject("sli");
      s.sli().forEach(sli::put);
      ObjectNode burn = o.putObject("burn_rate");
      s.burnRate().forEach(burn::put);
      o.putObject("error_budget")
          .put("total_ratio", 1 - s.objective().target())
          .put("total_minutes", s.budgetTotalMinutes())
          .put("remaining_ratio", s.budgetRemainingRatio())
          .put("remaining_minutes", s.budgetRemainingMinutes());
    }
    body.put(
        "note",
        "in-process since this server started; Prometheus with the rules of `argus slo rules` is"
            + " the long-term record");
    Responses.json(req, res, 200, body);
  }
}
