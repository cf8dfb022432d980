package dev.argus.transport.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.config.ArgusConfig;
import dev.argus.health.HealthService;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LiveStats;
import dev.argus.observe.Metrics;
import dev.argus.observe.RecentRequests;
import dev.argus.observe.SloTracker;
import dev.argus.service.InferenceService;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ModelLifecycle;
import dev.argus.transport.edge.AdminToken;
import dev.argus.transport.edge.RateLimiter;
import dev.argus.transport.edge.RequestScopes;
import dev.argus.transport.http.admin.AdminHandlers;
import dev.argus.transport.http.admin.Profiler;
import dev.argus.transport.http.console.ConsoleHandlers;
import dev.argus.transport.http.console.DocsHandler;
import dev.argus.transport.http.oip.OipHandlers;
import dev.argus.transport.http.oip.RepositoryHandlers;
import dev.argus.transport.http.oip.StatsHandler;
import io.helidon.common.mapper.MapperManager;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP face of Argus: the handlers, which declare their own routes, on one Helidon server with
 * a main listener and, when configured, an admin listener ({@code admin.port}) and a metrics
 * listener ({@code metrics.port}); slow-client limits and TLS on each.
 */
public final class HttpServer {
  static final String METRICS_SOCKET = "metrics";
  static final String ADMIN_SOCKET = "admin";

  /** What the handlers use, each given exactly what it needs. */
  public record Dependencies(
      ServerInfo info,
      InferenceService service,
      ModelCatalogue catalogue,
      ModelLifecycle lifecycle,
      HealthService health,
      Metrics metrics,
      PrometheusRegistry registry,
      SloTracker slo,
      DriftMonitor drift,
      InferenceStatistics statistics,
      RequestScopes scopes,
      RecentRequests recent,
      LiveStats live) {}

  private final ArgusConfig config;
  private final boolean separateMetrics;
  private final boolean separateAdmin;
  private final List<Endpoint> endpoints;
  private final List<Endpoint> adminEndpoints;
  private final HttpRouter router;
  private final MetricsHandler metricsHandler;
  private final ProbeHandlers probes;
  private WebServer server;

  public HttpServer(ArgusConfig config, Dependencies d) {
    this.config = config;
    this.separateMetrics = config.metrics().enabled() && config.metrics().port() >= 0;
    this.separateAdmin = config.admin().port() >= 0;
    this.metricsHandler = new MetricsHandler(d.registry());
    HttpEdge edge =
        new HttpEdge(
            d.scopes(),
            d.metrics(),
            HttpLimits.of(config.server(), d.scopes().payloadLimit()),
            d.health()::isDraining);
    AdminToken adminToken = new AdminToken(config.admin().resolveToken());
    this.router =
        new HttpRouter(
            edge,
            new CorsFilter(config.cors()),
            adminToken,
            new RateLimiter(config.rateLimit(), System::nanoTime, d.metrics()::rateLimited));
    List<Routes> groups = new ArrayList<>();
    if (config.metrics().enabled() && !separateMetrics) {
      groups.add(metricsHandler);
    }
    groups.add(new InfoHandler(d.info(), d.catalogue(), this::endpoints));
    this.probes = new ProbeHandlers(d.health());
    groups.add(probes);
    groups.add(
        new PredictHandler(
            d.service(), config.limits().maxRequestBytes(), config.server().requestTimeout()));
    groups.add(
        new OipHandlers(
            d.service(),
            d.catalogue(),
            d.health(),
            d.info(),
            config.limits().maxRequestBytes(),
            config.limits().maxTensorElements(),
            config.server().requestTimeout()));
    groups.add(new RepositoryHandlers(d.catalogue(), d.lifecycle()));
    groups.add(new StatsHandler(d.catalogue(), d.statistics()));
    groups.add(new DriftHandler(d.drift()));
    groups.add(new SloHandler(d.slo()));
    groups.add(new AdminHandlers(d.catalogue(), config.memory().rssLimit()));
    groups.add(new Profiler());
    if (config.console().enabled()) {
      groups.add(
          new ConsoleHandlers(
              new ConsoleHandlers.Sources(
                  d.info(),
                  d.health(),
                  d.catalogue(),
                  d.slo(),
                  d.drift(),
                  d.recent(),
                  d.live(),
                  config.memory().rssLimit()),
              config.console(),
              adminToken.enabled(),
              separateAdmin));
      groups.add(new DocsHandler());
    }
    List<Endpoint> all = groups.stream().flatMap(g -> g.endpoints().stream()).toList();
    boolean adminApart = separateAdmin;
    this.endpoints = all.stream().filter(e -> !(adminApart && e.access().adminListener())).toList();
    this.adminEndpoints = all.stream().filter(e -> e.access().adminListener()).toList();
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
                                .routing(r -> router.route(r, adminEndpoints))));
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

  /**
   * What protects a listener from slow or oversized clients, and TLS: {@code server.read_timeout}
   * (silence while reading), {@code server.idle_timeout} (idle keep-alive connections), {@code
   * server.max_header_bytes}, and HTTPS from {@code tls.cert_file} / {@code tls.key_file}.
   */
  private <B extends io.helidon.webserver.ListenerConfig.BuilderBase<B, ?>> B listenerLimits(
      B listener) {
    listener
        // Plain sockets: the read timeout (SO_TIMEOUT) bounds every read, a stalled body included;
        // Helidon's NIO channels ignore it, so a client that stops sending would hold its
        // connection and its handler forever.
        .useNio(false)
        .connectionOptions(o -> o.readTimeout(config.server().readTimeout()))
        .idleConnectionTimeout(config.server().idleTimeout())
        .addProtocol(
            io.helidon.webserver.http1.Http1Config.builder()
                .maxHeadersSize((int) config.server().maxHeaderBytes())
                .maxPrologueLength(8192)
                .addReceiveListener(new ConnectionInput())
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

  /**
   * The metrics listener ({@code metrics.port}): {@code GET /metrics} and the probes, on their own
   * port and connections, so scrapes and probes never wait behind prediction traffic on the main
   * listener.
   */
  private void metricsRouting(HttpRouting.Builder routing) {
    List<Endpoint> management = new ArrayList<>(metricsHandler.endpoints());
    management.addAll(probes.endpoints());
    router.route(routing, management);
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

  /** The endpoints of the main listener, in the order their handlers declare them. */
  List<Endpoint> endpoints() {
    return endpoints;
  }

  void routing(HttpRouting.Builder routing) {
    router.route(routing, endpoints);
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
    String id = dev.argus.transport.edge.RequestIds.generate();
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
        .header(HeaderNames.create(dev.argus.transport.edge.RequestIds.HEADER), id)
        .entity(Json.bytes(body))
        .build();
  }
}
