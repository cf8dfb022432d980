package dev.argus.transport.http;

import dev.argus.observe.Metrics;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.capture.RequestCapture;
import dev.argus.transport.edge.RequestIds;
import dev.argus.transport.edge.RequestScope;
import dev.argus.transport.edge.RequestScopes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side of the request edge, before any handler runs: opens the request's {@link
 * RequestScope} (identity, server span, log context), sets {@code X-Request-ID} and {@code
 * traceparent} on the answer, and when the answer is written records the HTTP metrics and closes
 * the scope (span status, canonical line).
 */
public final class HttpEdge implements Filter {
  /** In the request context when the connection must close once the answer is written. */
  private static final String CLOSE = "argus.close_connection";

  private static final TextMapGetter<RoutingRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RoutingRequest req) {
          List<String> names = new ArrayList<>();
          req.headers().forEach(h -> names.add(h.name()));
          return names;
        }

        @Override
        public String get(RoutingRequest req, String key) {
          return req == null ? null : req.headers().first(headerName(key)).orElse(null);
        }
      };

  /** The routes whose requests may be captured: the inference endpoints, nothing else. */
  private static final Set<String> CAPTURED_ROUTES =
      Set.of(
          "/predict",
          "/predict/{model}",
          "/v2/models/{model}/infer",
          "/v2/models/{model}/versions/{version}/infer");

  private final RequestScopes scopes;
  private final Optional<RequestCapture> capture;
  private final Metrics metrics;
  private final HttpLimits limits;
  private final BooleanSupplier draining;

  /**
   * @param draining true from the moment the server stops: every answer then closes its connection
   */
  HttpEdge(RequestScopes scopes, Metrics metrics, HttpLimits limits, BooleanSupplier draining) {
    this.scopes = scopes;
    this.capture = scopes.capture();
    this.metrics = metrics;
    this.limits = limits;
    this.draining = draining;
  }

  /**
   * The connection closes once this request's answer is written: its body was not (fully) read, the
   * client stalled, or the server is stopping. The answer says {@code Connection: close}.
   */
  static void closeAfter(ServerRequest req, io.helidon.webserver.http.ServerResponse res) {
    req.context().register(CLOSE, Boolean.TRUE);
    res.header(HeaderNames.CONNECTION, "close");
  }

  /** The record of the request being handled (every request passes this filter). */
  public static RequestRecord record(ServerRequest req) {
    return req.context().get(RequestRecord.class, RequestRecord.class).orElseThrow();
  }

  /** The request's id, as answered in {@code X-Request-ID}. */
  public static String requestId(ServerRequest req) {
    return req.context()
        .get(RequestRecord.class, RequestRecord.class)
        .map(RequestRecord::requestId)
        .orElse("");
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    boolean close;
    String method = req.prologue().method().text();
    try (RequestScope scope =
        scopes.open(
            "http",
            method,
            req.path().path(),
            req.headers().first(headerName(RequestIds.HEADER)),
            req,
            HEADERS,
            start)) {
      RequestRecord record = scope.record();
      record.clientAddress(address(req));
      req.context().register(RequestRecord.class, record);
      req.context().register(HttpLimits.class, limits);
      if (draining.getAsBoolean()) {
        // Stopping: clients must not reuse this connection, or their next request meets a
        // closed socket. They open a new one, served until the listener stops.
        closeAfter(req, res);
      }
      res.header(headerName(RequestIds.HEADER), scope.requestId());
      scope.injectTraceContext((k, v) -> res.header(headerName(k), v));
      metrics.httpStarted();
      try {
        chain.proceed();
      } finally {
        finish(req, res, record, start);
      }
      close = req.context().get(CLOSE, Boolean.class).orElse(false);
    }
    if (close) {
      // The answer is written; end the connection rather than read the rest as a next request.
      throw new CloseConnectionException("the answer said Connection: close");
    }
  }

  private void finish(RoutingRequest req, RoutingResponse res, RequestRecord record, long start) {
    int status = res.status().code();
    record.status(status);
    if (record.bytesIn() < 0) {
      record.bytesIn(req.headers().contentLength().orElse(0));
    }
    metrics.httpFinished(
        record.method(),
        record.route(),
        status,
        System.nanoTime() - start,
        record.bytesIn(),
        record.errorType().orElse(null));
    var span = record.span();
    if (span.isRecording()) {
      span.updateName(record.method() + " " + record.route());
      span.setAttribute("http.request.method", record.method());
      span.setAttribute("http.route", record.route());
      span.setAttribute("http.response.status_code", status);
    }
    if (capture.isPresent() && CAPTURED_ROUTES.contains(record.route())) {
      String query = req.query().rawValue();
      capture
          .get()
          .offer(
              record,
              System.nanoTime() - start,
              req.path().rawPath() + (query.isEmpty() ? "" : "?" + query),
              name -> req.headers().first(HeaderNames.create(name)),
              name -> res.headers().first(HeaderNames.create(name)));
    }
  }

  /** The client's address, as the canonical line and the rate limiter see it. */
  static String address(ServerRequest req) {
    return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress()
        : String.valueOf(req.remotePeer().address());
  }

  /** The request's header of that name. */
  public static Optional<String> header(ServerRequest req, String name) {
    return req.headers().first(headerName(name));
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, HeaderName> NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Helidon's name for the header {@code name}, made once per name: {@code HeaderNames.create}
   * lower-cases and allocates on every call, several times per request. The names come from code
   * and from the trace propagator (a fixed set); past 256 of them, they are made each time.
   */
  public static HeaderName headerName(String name) {
    HeaderName known = NAMES.get(name);
    if (known == null) {
      known = HeaderNames.create(name);
      if (NAMES.size() < 256) {
        NAMES.putIfAbsent(name, known);
      }
    }
    return known;
  }
}
