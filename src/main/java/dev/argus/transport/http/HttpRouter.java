package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import dev.argus.transport.edge.AdminToken;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.edge.RateLimiter;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns endpoint tables into Helidon routing: the edge and CORS filters first, each endpoint behind
 * what its {@link Endpoint.Access} asks (the admin token, the client's rate limit), 405 with {@code
 * Allow} for a known path and another method, 404 for anything else, and every failure answered by
 * {@link Responses}.
 */
final class HttpRouter {
  private final HttpEdge edge;
  private final CorsFilter cors;
  private final AdminToken admin;
  private final RateLimiter limiter;

  HttpRouter(HttpEdge edge, CorsFilter cors, AdminToken admin, RateLimiter limiter) {
    this.edge = edge;
    this.cors = cors;
    this.admin = admin;
    this.limiter = limiter;
  }

  void route(HttpRouting.Builder routing, List<Endpoint> endpoints) {
    routing.addFilter(edge);
    routing.addFilter(cors);
    Map<String, List<Method>> methodsByPath = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      Handler handler = guarded(e);
      routing.route(
          e.method(),
          e.path(),
          (req, res) -> {
            HttpEdge.record(req).route(e.path());
            handler.handle(req, res);
          });
      methodsByPath.computeIfAbsent(e.path(), p -> new ArrayList<>()).add(e.method());
    }
    methodsByPath.forEach((path, methods) -> {
      String allowed = methods.stream().map(Method::text).collect(Collectors.joining(", "));
      routing.any(
          path,
          (req, res) -> {
            throw new EdgeException.MethodNotAllowed(
                req.prologue().method().text(), req.path().path(), allowed);
          });
    });
    routing.any((req, res) -> {
      throw EdgeException.RouteNotFound.of(req.prologue().method().text(), req.path().path());
    });
    routing.error(ArgusException.class, Responses::error);
    routing.error(EdgeException.class, Responses::error);
    routing.error(Exception.class, Responses::unexpected);
  }

  /** The endpoint's handler behind the admin token or the client's rate limit, as it asks. */
  private Handler guarded(Endpoint e) {
    Handler handler = e.handler();
    return switch (e.access()) {
      case OPEN, ADMIN_PAGE -> handler;
      case RATE_LIMITED ->
          !limiter.enabled()
              ? handler
              : (req, res) -> {
                limiter.acquire(
                    limiter.clientKey(name -> HttpEdge.header(req, name), HttpEdge.address(req)),
                    e.path());
                handler.handle(req, res);
              };
      case ADMIN ->
          (req, res) -> {
            admin.check(
                req.prologue().method().text(),
                req.path().path(),
                req.headers().first(HeaderNames.AUTHORIZATION));
            handler.handle(req, res);
          };
    };
  }
}
