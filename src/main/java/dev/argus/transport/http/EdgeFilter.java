package dev.argus.transport.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import org.slf4j.MDC;

/** Gives every request its identity, before any handler runs, and puts it in the log context. */
final class EdgeFilter implements Filter {
  static final String REQUEST_ID = "argus.request_id";
  static final String MDC_REQUEST_ID = "request_id";

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String id =
        RequestIds.accept(req.headers().first(HeaderNames.create(RequestIds.HEADER)))
            .orElseGet(RequestIds::generate);
    req.context().register(REQUEST_ID, id);
    res.header(RequestIds.HEADER, id);
    MDC.put(MDC_REQUEST_ID, id);
    try {
      chain.proceed();
    } finally {
      MDC.remove(MDC_REQUEST_ID);
    }
  }
}
