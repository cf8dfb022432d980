package dev.argus.transport.http;

import dev.argus.config.CorsConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Cross-origin requests from browsers, by allow-list ({@code cors.*}). An allowed origin gets
 * {@code Access-Control-Allow-Origin} (and the headers it may read); a preflight ({@code OPTIONS}
 * with {@code Access-Control-Request-Method}) is answered here: 204 with what is allowed, or 403
 * naming what is not. Off (no origins configured): nothing is added and preflights are refused.
 */
final class CorsFilter implements Filter {
  static final String ROUTE = "(cors preflight)";
  private static final String EXPOSED =
      "X-Request-ID, Server-Timing, traceparent, Retry-After, Inference-Header-Content-Length";

  private final CorsConfig config;

  CorsFilter(CorsConfig config) {
    this.config = config;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
    boolean preflight =
        req.prologue().method() == Method.OPTIONS
            && req.headers().contains(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD)
            && origin.isPresent();
    if (preflight) {
      HttpEdge.record(req).route(ROUTE);
      preflight(req, res, origin.get());
      return;
    }
    if (origin.isPresent() && allowed(origin.get())) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
      res.header(HeaderNames.VARY, "Origin");
      res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    }
    chain.proceed();
  }

  private void preflight(RoutingRequest req, RoutingResponse res, String origin) {
    String method =
        req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD).orElse("").trim();
    String headers = req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse("");
    String refusal = null;
    if (!config.enabled()) {
      refusal = "CORS is off: no cors.allowed_origins are configured";
    } else if (!allowed(origin)) {
      refusal = "CORS: origin '" + printable(origin) + "' is not in cors.allowed_origins";
    } else if (!config.allowedMethods().contains(method.toUpperCase(Locale.ROOT))) {
      refusal = "CORS: method '" + printable(method) + "' is not in cors.allowed_methods";
    } else {
      Optional<String> header =
          Arrays.stream(headers.split(","))
              .map(h -> h.trim().toLowerCase(Locale.ROOT))
              .filter(h -> !h.isEmpty() && !config.allowedHeaders().contains(h))
              .findFirst();
      if (header.isPresent()) {
        refusal = "CORS: header '" + printable(header.get()) + "' is not in cors.allowed_headers";
      }
    }
    if (refusal != null) {
      Responses.fail(req, res, 403, "forbidden", refusal, null);
      return;
    }
    res.status(io.helidon.http.Status.NO_CONTENT_204);
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    res.header(HeaderNames.VARY, "Origin");
    res.header(
        HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", config.allowedMethods()));
    res.header(
        HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", config.allowedHeaders()));
    res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, String.valueOf(config.maxAge().toSeconds()));
    res.send();
  }

  private boolean allowed(String origin) {
    return config.allowedOrigins().contains("*") || config.allowedOrigins().contains(origin);
  }

  /** What of a client's header is safe to put in a message and a log line. */
  private static String printable(String s) {
    String cut = s.length() > 100 ? s.substring(0, 100) : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
