package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.health.HealthService;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/** Liveness, readiness and startup probes: 200 when up, 503 with the failing checks when not. */
final class ProbeHandlers implements Routes {
  private final HealthService health;

  ProbeHandlers(HealthService health) {
    this.health = health;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(Method.GET, "/health", "Liveness probe", this::live),
        Endpoint.open(Method.GET, "/healthz", "Liveness probe (Kubernetes spelling)", this::live),
        Endpoint.open(Method.GET, "/ready", "Readiness probe", this::ready),
        Endpoint.open(Method.GET, "/readyz", "Readiness probe (Kubernetes spelling)", this::ready),
        Endpoint.open(Method.GET, "/startupz", "Startup probe", this::startup));
  }

  void live(ServerRequest req, ServerResponse res) {
    send(req, res, health.liveness(), "UP", "DOWN");
  }

  void ready(ServerRequest req, ServerResponse res) {
    send(req, res, health.readiness(), "READY", "NOT_READY");
  }

  void startup(ServerRequest req, ServerResponse res) {
    send(req, res, health.startup(), "STARTED", "STARTING");
  }

  private static void send(
      ServerRequest req, ServerResponse res, HealthService.Report report, String up, String down) {
    ObjectNode body = Json.object();
    body.put("status", report.up() ? up : down);
    ArrayNode checks = body.putArray("checks");
    for (HealthService.Check c : report.checks()) {
      checks.addObject().put("name", c.name()).put("ok", c.ok()).put("detail", c.detail());
    }
    ArrayNode reasons = body.putArray("reasons");
    report.reasons().forEach(reasons::add);
    Responses.json(req, res, report.up() ? 200 : 503, body);
  }
}
