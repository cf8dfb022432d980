package dev.argus.transport.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.argus.observe.Metrics;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request its identity before any handler runs, puts it in the log context, and logs
 * one line when the request is done.
 */
final class EdgeFilter implements Filter {
  static final String REQUEST_ID = "argus.request_id";
  static final String ROUTE = "argus.route";
  static final String ERROR_TYPE = "argus.error_type";
  static final String REQUEST_BYTES = "argus.request_bytes";
  static final String UNMATCHED = "unmatched";
  static final String MDC_REQUEST_ID = "request_id";
  private static final Logger log = LoggerFactory.getLogger("dev.argus.access");
  private final Metrics metrics;

  EdgeFilter(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    String id =
        RequestIds.accept(req.headers().first(HeaderNames.create(RequestIds.HEADER)))
            .orElseGet(RequestIds::generate);
    req.context().register(REQUEST_ID, id);
    res.header(RequestIds.HEADER, id);
    MDC.put(MDC_REQUEST_ID, id);
    metrics.httpStarted();
    try {
      chain.proceed();
    } finally {
      long nanos = System.nanoTime() - start;
      String route = req.context().get(ROUTE, String.class).orElse(UNMATCHED);
      long bytes =
          req.context()
              .get(REQUEST_BYTES, Long.class)
              .orElse(req.headers().contentLength().orElse(0));
      metrics.httpFinished(
          req.prologue().method().text(),
          route,
          res.status().code(),
          nanos,
          bytes,
          req.context().get(ERROR_TYPE, String.class).orElse(null));
      log.info(
          "request_completed {} {} {} {}",
          kv("method", req.prologue().method().text()),
          kv("route", route),
          kv("path", req.path().path()),
          kv("status", res.status().code()),
          kv("duration_ms", nanos / 1_000_000.0));
      MDC.remove(MDC_REQUEST_ID);
    }
  }
}
