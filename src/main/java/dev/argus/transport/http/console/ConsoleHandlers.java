package dev.argus.transport.http.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.config.ConsoleConfig;
import dev.argus.health.HealthService;
import dev.argus.model.ModelRepository;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LiveStats;
import dev.argus.observe.RecentRequest;
import dev.argus.observe.RecentRequests;
import dev.argus.observe.SloTracker;
import dev.argus.service.ArgusException;
import dev.argus.service.ModelCatalogue;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.edge.RequestIds;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.Endpoint.Access;
import dev.argus.transport.http.HttpEdge;
import dev.argus.transport.http.Responses;
import dev.argus.transport.http.Routes;
import dev.argus.transport.http.ServerInfo;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operator console: {@code GET /console} (one page, its script and style from the jar) and the
 * JSON it polls, at most once a second: {@code /console/api/overview} (the server and each model's
 * live figures), {@code /console/api/requests} (recent slow and failed requests) and {@code
 * /console/api/models} (metadata, config as loaded, drift). With {@code console.require_token} the
 * JSON needs the admin token and the page asks for it; the page's files hold no data.
 */
public final class ConsoleHandlers implements Routes {
  /** What the console reads; it changes nothing but through the existing admin endpoints. */
  public record Sources(
      ServerInfo info,
      HealthService health,
      ModelCatalogue catalogue,
      SloTracker slo,
      DriftMonitor drift,
      RecentRequests recent,
      LiveStats live,
      long rssLimit) {}

  static final Set<String> OUTCOMES =
      Set.of(
          "success",
          "invalid_input",
          "unknown_model",
          "rejected",
          "not_ready",
          "timeout",
          "error",
          RecentRequest.NO_OUTCOME);
  private static final Set<String> KINDS = Set.of("all", RecentRequest.SLOW, RecentRequest.FAILED);
  private static final String HERE = "dev/argus/transport/http/console/";

  // The page is this origin's only: no inline script, no outside fetch, font, image or frame.
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none';"
          + " form-action 'none'";

  private final Sources sources;
  private final ConsoleConfig config;
  private final Access pageAccess;
  private final Access dataAccess;
  private final OverviewJson overview;
  private final StaticFiles page =
      new StaticFiles(
          Map.of("console", new StaticFiles.File(HERE + "console.html", DocsHandler.HTML)), POLICY);
  private final StaticFiles assets =
      new StaticFiles(
          Map.of(
              "console.js", new StaticFiles.File(HERE + "console.js", DocsHandler.JS),
              "charts.js", new StaticFiles.File(HERE + "charts.js", DocsHandler.JS),
              "console.css", new StaticFiles.File(HERE + "console.css", DocsHandler.CSS)),
          POLICY);

  /**
   * @param adminTokenConfigured whether {@code admin.token} is set, so load and unload can work
   * @param adminPortApart whether admin endpoints are on {@code admin.port}, not this listener
   */
  public ConsoleHandlers(
      Sources sources, ConsoleConfig config, boolean adminTokenConfigured, boolean adminPortApart) {
    this.sources = sources;
    this.config = config;
    this.pageAccess = config.requireToken() ? Access.ADMIN_PAGE : Access.OPEN;
    this.dataAccess = config.requireToken() ? Access.ADMIN : Access.OPEN;
    this.overview =
        new OverviewJson(
            sources, config, adminTokenConfigured, adminPortApart, Instant.now(), pageAccess);
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of(
            pageAccess,
            Method.GET,
            "/console",
            "Operator console: live figures, recent slow and failed requests, models",
            (req, res) -> page.send(req, res, "console")),
        Endpoint.of(
            pageAccess,
            Method.GET,
            "/console/assets/{file}",
            "Files of the operator console (script, style)",
            (req, res) -> assets.send(req, res, req.path().pathParameters().get("file"))),
        Endpoint.of(
            dataAccess,
            Method.GET,
            "/console/api/overview",
            "Console: server, readiness and each model's live figures, SLOs and drift",
            this::overview),
        Endpoint.of(
            dataAccess,
            Method.GET,
            "/console/api/requests",
            "Console: recent slow and failed requests, newest first",
            this::requests),
        Endpoint.of(
            dataAccess,
            Method.GET,
            "/console/api/requests/{request_id}",
            "Console: one recent slow or failed request",
            this::request),
        Endpoint.of(
            dataAccess,
            Method.GET,
            "/console/api/models",
            "Console: each model's metadata, config as loaded, load time, size and drift",
            this::models));
  }

  private void overview(ServerRequest req, ServerResponse res) {
    int series = intParameter(req, "series", 300, 0, LiveStats.SECONDS);
    ObjectNode body = overview.build(series);
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  private void requests(ServerRequest req, ServerResponse res) {
    String kind = req.query().first("kind").orElse("all");
    if (!KINDS.contains(kind)) {
      throw new ArgusException.InvalidInput(
          "kind: '" + kind + "' is not valid (expected: all, slow or failed)");
    }
    Optional<String> model = req.query().first("model").asOptional().filter(m -> !m.isEmpty());
    model
        .filter(m -> !ModelRepository.isValidName(m))
        .ifPresent(m -> {
          throw new ArgusException.InvalidInput(
              "model: '"
                  + m
                  + "' is not a valid model name (expected: 1-64 letters, digits,"
                  + " '.', '_' or '-')");
        });
    Optional<String> outcome = req.query().first("outcome").asOptional().filter(o -> !o.isEmpty());
    outcome
        .filter(o -> !OUTCOMES.contains(o))
        .ifPresent(o -> {
          throw new ArgusException.InvalidInput(
              "outcome: '" + o + "' is not valid (expected: one of " + sorted(OUTCOMES) + ")");
        });
    int limit = intParameter(req, "limit", 100, 1, 2 * RecentRequests.CAPACITY);
    Predicate<RecentRequest> filter =
        e ->
            model.map(e.model()::equals).orElse(true)
                && outcome.map(e.outcome()::equals).orElse(true);
    List<RecentRequest> found =
        sources.recent().list(kind.equals("all") ? null : kind, filter, limit);
    ObjectNode body = RequestsJson.list(found, config);
    body.put("capacity_per_kind", RecentRequests.CAPACITY);
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  private void request(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("request_id");
    if (RequestIds.accept(Optional.of(id)).isEmpty()) {
      throw new ArgusException.InvalidInput(
          "request_id: not a request id (expected: 1-128 characters of [A-Za-z0-9._:-])");
    }
    RecentRequest found =
        sources
            .recent()
            .find(id)
            .orElseThrow(() ->
                EdgeException.RouteNotFound.off(
                    "GET",
                    "/console/api/requests/" + id,
                    "not among the recent slow or failed requests (the last "
                        + RecentRequests.CAPACITY
                        + " of each are kept)"));
    ObjectNode body = RequestsJson.one(found, config);
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  private void models(ServerRequest req, ServerResponse res) {
    ObjectNode body = ModelsJson.build(sources);
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  /** An integer query parameter within {@code min..max}, or a 400 that names it. */
  private static int intParameter(ServerRequest req, String name, int fallback, int min, int max) {
    Optional<String> raw = req.query().first(name).asOptional();
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.get().trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below, naming the parameter
    }
    throw new ArgusException.InvalidInput(
        name
            + ": '"
            + raw.get()
            + "' is not valid (expected: an integer "
            + min
            + ".."
            + max
            + ")");
  }

  private static String sorted(Set<String> values) {
    return String.join(", ", values.stream().sorted().toList());
  }
}
