package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.config.ArgusConfig;
import dev.argus.health.HealthService;
import dev.argus.observe.Metrics;
import dev.argus.observe.Tracing;
import dev.argus.service.ArgusException;
import dev.argus.service.InferenceService;
import io.helidon.common.mapper.MapperManager;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** The HTTP face of Argus: routes, edge filter, error mapping, on one Helidon listener. */
public final class HttpServer {
  /** What {@code GET /} reports about the running server. */
  public record ServerInfo(String name, String version, String runtime) {}

  private final ArgusConfig config;
  private final InferenceService service;
  private final ServerInfo info;
  private final Metrics metrics;
  private final Tracing tracing;
  private final boolean separateMetrics;
  static final String METRICS_SOCKET = "metrics";
  private final List<Endpoint> endpoints;
  private final List<Endpoint> adminEndpoints;
  private final boolean separateAdmin;
  static final String ADMIN_SOCKET = "admin";
  private final byte[] openApi;
  private WebServer server;

  public HttpServer(
      ArgusConfig config,
      InferenceService service,
      HealthService health,
      Metrics metrics,
      boolean metricsEnabled,
      Tracing tracing,
      ServerInfo info) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.config = config;
    this.service = service;
    this.info = info;
    this.openApi = readOpenApi();
    PredictHandler predict =
        new PredictHandler(
            service, config.limits().maxRequestBytes(), config.server().requestTimeout());
    StatsHandler stats = new StatsHandler(service);
    AdminGuard admin = new AdminGuard(config.admin().resolveToken());
    AdminHandlers adminHandlers = new AdminHandlers(service, config.memory().rssLimit());
    Profiler profiler = new Profiler();
    RateLimiter limiter =
        new RateLimiter(config.rateLimit(), System::nanoTime, metrics::rateLimited);
    OipHandlers oip =
        new OipHandlers(
            service,
            health,
            info,
            config.limits().maxRequestBytes(),
            config.limits().maxTensorElements(),
            config.server().requestTimeout());
    ProbeHandlers probes = new ProbeHandlers(health);
    List<Endpoint> all = new ArrayList<>();
    this.separateMetrics = metricsEnabled && config.metrics().port() >= 0;
    if (metricsEnabled && !separateMetrics) {
      all.add(
          new Endpoint(
              Method.GET,
              "/metrics",
              "Prometheus metrics (text, OpenMetrics or protobuf by Accept)",
              new MetricsHandler(metrics.registry())::handle));
    }
    all.addAll(
        List.of(
            new Endpoint(
                Method.GET, "/", "Service name, version, models and endpoints", this::info),
            new Endpoint(Method.GET, "/health", "Liveness probe", probes::live),
            new Endpoint(
                Method.GET, "/healthz", "Liveness probe (Kubernetes spelling)", probes::live),
            new Endpoint(Method.GET, "/ready", "Readiness probe", probes::ready),
            new Endpoint(
                Method.GET, "/readyz", "Readiness probe (Kubernetes spelling)", probes::ready),
            new Endpoint(Method.GET, "/startupz", "Startup probe", probes::startup),
            new Endpoint(
                Method.POST,
                "/predict",
                "Classify an image with the default model",
                limiter.limit("/predict", predict::predictDefault)),
            new Endpoint(
                Method.POST,
                "/predict/{model}",
                "Classify an image with a named model",
                limiter.limit("/predict/{model}", predict::predictNamed)),
            new Endpoint(
                Method.GET, "/v2", "Server metadata (Open Inference Protocol)", oip::server),
            new Endpoint(
                Method.GET, "/v2/health/live", "Liveness (Open Inference Protocol)", oip::live),
            new Endpoint(
                Method.GET, "/v2/health/ready", "Readiness (Open Inference Protocol)", oip::ready),
            new Endpoint(
                Method.GET,
                "/v2/models/{model}",
                "Model metadata: inputs and outputs with datatypes and shapes",
                oip::metadata),
            new Endpoint(
                Method.GET,
                "/v2/models/{model}/versions/{version}",
                "Model metadata of a version",
                oip::metadata),
            new Endpoint(
                Method.GET, "/v2/models/{model}/ready", "Model readiness", oip::modelReady),
            new Endpoint(
                Method.GET,
                "/v2/models/{model}/versions/{version}/ready",
                "Model readiness of a version",
                oip::modelReady),
            new Endpoint(
                Method.POST,
                "/v2/models/{model}/infer",
                "Inference on tensors (JSON or binary tensor extension)",
                limiter.limit("/v2/models/{model}/infer", oip::infer)),
            new Endpoint(
                Method.POST,
                "/v2/models/{model}/versions/{version}/infer",
                "Inference on a version",
                limiter.limit("/v2/models/{model}/versions/{version}/infer", oip::infer)),
            new Endpoint(
                Method.POST,
                "/v2/repository/index",
                "Models in the repository folder and their state",
                oip::index),
            new Endpoint(
                Method.POST,
                "/v2/repository/models/{model}/load",
                "Load or reload a model (admin token)",
                admin.guard(oip::load)),
            new Endpoint(
                Method.POST,
                "/v2/repository/models/{model}/unload",
                "Unload a model (admin token)",
                admin.guard(oip::unload)),
            new Endpoint(
                Method.GET,
                "/v2/models/{model}/stats",
                "Triton-style statistics of a model: counts, cumulative times, batch sizes",
                stats::handle),
            new Endpoint(
                Method.GET,
                "/admin/logging",
                "Log levels now (admin token)",
                admin.guard(adminHandlers::logging)),
            new Endpoint(
                Method.PUT,
                "/admin/logging",
                "Change a log level at run time (admin token)",
                admin.guard(adminHandlers::setLogging)),
            new Endpoint(
                Method.POST,
                "/admin/profile",
                "Record a Java Flight Recorder profile for ?seconds=N and download it (admin token)",
                admin.guard(profiler::profile)),
            new Endpoint(
                Method.GET,
                "/admin/memory",
                "Heap, non-heap, buffers, resident memory and model sizes (admin token)",
                admin.guard(adminHandlers::memory)),
            new Endpoint(
                Method.GET,
                "/v2/models/{model}/drift",
                "Drift of a model's recent requests against its reference profile",
                new DriftHandler(metrics)::handle),
            new Endpoint(
                Method.GET,
                "/slo",
                "Service level objectives: SLI per window, error budget, burn rates, status",
                new SloHandler(metrics)::handle),
            new Endpoint(
                Method.GET, "/openapi.yaml", "This API as an OpenAPI document", this::openApi)));
    this.separateAdmin = config.admin().port() >= 0;
    this.endpoints = all.stream().filter(e -> !(separateAdmin && isAdmin(e))).toList();
    this.adminEndpoints = all.stream().filter(HttpServer::isAdmin).toList();
  }

  /**
   * Helidon 4.4.0 looks its global MapperManager up in the service registry on every typed header
   * read ({@code Headers.contentLength()}, which its HTTP/1 connection calls for every request),
   * and the registry builds a new MapperManager for each lookup: a third of the server's CPU per
   * request on a tiny model in the overhead benchmark (helidon-io/helidon#11383, fixed after
   * 4.4.0). Setting the global instance once, before any request, turns that lookup into a field
   * read.
   */
  private static final AtomicBoolean MAPPERS_PINNED = new AtomicBoolean();

  static void pinGlobalMappers() {
    if (MAPPERS_PINNED.compareAndSet(false, true)) {
      MapperManager.global(MapperManager.create());
    }
  }

  /** Starts listening; returns once the port is bound. */
  public void start() {
    pinGlobalMappers();
    server =
        WebServer.builder()
            .host(config.server().host())
            .port(config.server().port())
            .shutdownHook(false)
            .shutdownGracePeriod(config.server().shutdownGrace())
            .update(this::listenerLimits)
            .contentEncoding(RequestDecoding.context())
            .directHandlers(d -> {
              for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                d.addHandler(type, HttpServer::directResponse);
              }
            })
            .routing(this::routing)
            .update(b -> {
              if (separateAdmin) {
                b.putSocket(
                    ADMIN_SOCKET,
                    s ->
                        listenerLimits(
                            s.host(config.server().host())
                                .port(config.admin().port())
                                .contentEncoding(RequestDecoding.context())
                                .routing(r -> route(r, adminEndpoints))));
              }
              if (separateMetrics) {
                b.putSocket(
                    METRICS_SOCKET,
                    s ->
                        s.host(config.server().host())
                            .port(config.metrics().port())
                            .routing(this::metricsRouting));
              }
            })
            .build()
            .start();
  }

  /** Endpoints that change the server: they move to the admin listener with {@code admin.port}. */
  private static boolean isAdmin(Endpoint e) {
    return e.path().startsWith("/admin/") || e.path().startsWith("/v2/repository/models/");
  }

  /**
   * What protects a listener from slow or oversized clients, and TLS: {@code server.read_timeout}
   * (silence while reading), {@code server.idle_timeout} (idle keep-alive connections), {@code
   * server.max_header_bytes}, and HTTPS from {@code tls.cert_file} / {@code tls.key_file}.
   */
  private <B extends io.helidon.webserver.ListenerConfig.BuilderBase<B, ?>> B listenerLimits(
      B listener) {
    listener
        .connectionOptions(o -> o.readTimeout(config.server().readTimeout()))
        .idleConnectionTimeout(config.server().idleTimeout())
        .addProtocol(
            io.helidon.webserver.http1.Http1Config.builder()
                .maxHeadersSize((int) config.server().maxHeaderBytes())
                .maxPrologueLength(8192)
                .build());
    if (config.tls().enabled()) {
      io.helidon.common.pki.Keys keys =
          io.helidon.common.pki.Keys.builder()
              .pem(pem ->
                  pem.key(
                          io.helidon.common.configurable.Resource.create(
                              java.nio.file.Path.of(config.tls().keyFile())))
                      .certChain(
                          io.helidon.common.configurable.Resource.create(
                              java.nio.file.Path.of(config.tls().certFile()))))
              .build();
      listener.tls(t -> t.privateKey(keys).privateKeyCertChain(keys));
    }
    return listener;
  }

  /** The port of the admin listener, when {@code admin.port} gives it one. */
  public java.util.OptionalInt adminPort() {
    return separateAdmin
        ? java.util.OptionalInt.of(server.port(ADMIN_SOCKET))
        : java.util.OptionalInt.empty();
  }

  /** The port of the metrics listener, when {@code metrics.port} gives it one. */
  public java.util.OptionalInt metricsPort() {
    return separateMetrics
        ? java.util.OptionalInt.of(server.port(METRICS_SOCKET))
        : java.util.OptionalInt.empty();
  }

  /** The metrics listener: {@code GET /metrics} and nothing else. */
  private void metricsRouting(HttpRouting.Builder routing) {
    routing.addFilter(
        new EdgeFilter(metrics, tracing, payloadLimit(), config.server().bodyReadTimeout()));
    MetricsHandler handler = new MetricsHandler(metrics.registry());
    routing.get(
        "/metrics",
        (req, res) -> {
          req.context().register(EdgeFilter.ROUTE, "/metrics");
          handler.handle(req, res);
        });
    routing.any((req, res) -> {
      throw ArgusException.NotFound.route(req.prologue().method().text(), req.path().path());
    });
    routing.error(ArgusException.class, Responses::error);
    routing.error(Exception.class, Responses::unexpected);
  }

  /** Bytes of each body the canonical line shows, or -1 when payloads are not logged. */
  private int payloadLimit() {
    return config.logging().logPayloads() ? (int) config.logging().payloadMaxBytes() : -1;
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return server.port();
  }

  /**
   * Stops accepting connections and waits up to {@code server.shutdown_grace} for requests in
   * flight to finish.
   */
  public void stop() {
    if (server != null) {
      server.stop();
    }
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  void routing(HttpRouting.Builder routing) {
    route(routing, endpoints);
  }

  private void route(HttpRouting.Builder routing, List<Endpoint> endpoints) {
    routing.addFilter(
        new EdgeFilter(metrics, tracing, payloadLimit(), config.server().bodyReadTimeout()));
    routing.addFilter(new CorsFilter(config.cors()));
    Map<String, List<Method>> methodsByPath = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      routing.route(
          e.method(),
          e.path(),
          (req, res) -> {
            req.context().register(EdgeFilter.ROUTE, e.path());
            e.handler().handle(req, res);
          });
      methodsByPath.computeIfAbsent(e.path(), p -> new ArrayList<>()).add(e.method());
    }
    methodsByPath.forEach((path, methods) -> {
      String allowed = methods.stream().map(Method::text).collect(Collectors.joining(", "));
      routing.any(
          path,
          (req, res) -> {
            throw new ArgusException.MethodNotAllowed(
                req.prologue().method().text(), req.path().path(), allowed);
          });
    });
    routing.any((req, res) -> {
      throw ArgusException.NotFound.route(req.prologue().method().text(), req.path().path());
    });
    routing.error(ArgusException.class, Responses::error);
    routing.error(Exception.class, Responses::unexpected);
  }

  private void info(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    body.put("service", info.name());
    body.put("version", info.version());
    body.put("runtime", info.runtime());
    ArrayNode models = body.putArray("models");
    for (InferenceService.ModelState s : service.models()) {
      ObjectNode m = models.addObject();
      m.put("name", s.name()).put("version", s.version());
      m.put("state", s.state());
      if (!s.reason().isEmpty()) {
        m.put("reason", s.reason());
      }
    }
    try {
      body.put("default_model", service.defaultModelName());
    } catch (ArgusException.InvalidInput e) {
      body.putNull("default_model");
    }
    ArrayNode list = body.putArray("endpoints");
    for (Endpoint e : endpoints) {
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
    try (InputStream in = HttpServer.class.getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Answers what Helidon refuses before routing (a malformed request line, oversized headers) in
   * the same JSON shape as every other error.
   */
  private static DirectHandler.TransportResponse directResponse(
      DirectHandler.TransportRequest request,
      DirectHandler.EventType event,
      Status status,
      io.helidon.http.ServerResponseHeaders headers,
      String message) {
    String id = RequestIds.generate();
    String type = status.code() == 413 ? "payload_too_large" : "bad_request";
    // Helidon keeps its reasons to itself (they may echo the request); name the one we know.
    String encoding = request.headers().first(HeaderNames.CONTENT_ENCODING).orElse("");
    if (status.code() == 400 && !encoding.isEmpty() && !RequestDecoding.decodes(encoding)) {
      message =
          "Content-Encoding '"
              + encoding.replaceAll("[^A-Za-z0-9._-]", "?")
              + "' is not supported (expected: gzip, deflate or none)";
    }
    ObjectNode body =
        Responses.errorBody(
            message == null || message.isBlank() ? status.reasonPhrase() : message, type, id);
    return DirectHandler.TransportResponse.builder()
        .status(status)
        .headers(headers)
        .header(HeaderNames.CONTENT_TYPE, Responses.JSON)
        .header(HeaderNames.create(RequestIds.HEADER), id)
        .entity(Json.bytes(body))
        .build();
  }
}
