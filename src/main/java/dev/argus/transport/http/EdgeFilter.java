package dev.argus.transport.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import dev.argus.observe.LogContext;
import dev.argus.observe.Metrics;
import dev.argus.observe.Tracing;
import dev.argus.service.Classification;
import dev.argus.service.PhaseTimings;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request its identity before any handler runs, puts it in the log context, records the
 * HTTP metrics, and writes the one canonical line per request: {@code request_completed}, or {@code
 * request_failed} with the error type and message.
 */
final class EdgeFilter implements Filter {
  static final String REQUEST_ID = "argus.request_id";
  static final String ROUTE = "argus.route";
  static final String ERROR_TYPE = "argus.error_type";
  static final String ERROR_MESSAGE = "argus.error_message";
  static final String ERROR = "argus.error";

  /** {@link System#nanoTime()} by which the request's body must have arrived. */
  static final String BODY_DEADLINE = "argus.body_deadline";

  static final String REQUEST_BYTES = "argus.request_bytes";
  static final String RESPONSE_BYTES = "argus.response_bytes";
  static final String CLASSIFICATION = "argus.classification";

  /** Present when payloads are logged: the most bytes of a body the canonical line may show. */
  static final String PAYLOAD_LIMIT = "argus.payload_limit";

  static final String REQUEST_PAYLOAD = "argus.request_payload";
  static final String RESPONSE_PAYLOAD = "argus.response_payload";
  static final String UNMATCHED = "unmatched";
  private static final Logger log = LoggerFactory.getLogger("dev.argus.access");

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
          return req == null ? null : req.headers().first(HeaderNames.create(key)).orElse(null);
        }
      };

  private final Metrics metrics;
  private final Tracing tracing;
  private final Tracer tracer;
  private final int payloadLimit;
  private final long bodyTimeoutNanos;

  EdgeFilter(Metrics metrics, Tracing tracing, int payloadLimit, java.time.Duration bodyTimeout) {
    this.payloadLimit = payloadLimit;
    this.bodyTimeoutNanos = bodyTimeout.toNanos();
    this.metrics = metrics;
    this.tracing = tracing;
    this.tracer = tracing.tracer();
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    String id =
        RequestIds.accept(req.headers().first(HeaderNames.create(RequestIds.HEADER)))
            .orElseGet(RequestIds::generate);
    req.context().register(REQUEST_ID, id);
    req.context().register(BODY_DEADLINE, start + bodyTimeoutNanos);
    if (payloadLimit >= 0) {
      req.context().register(PAYLOAD_LIMIT, payloadLimit);
    }
    res.header(RequestIds.HEADER, id);
    MDC.put(LogContext.REQUEST_ID, id);
    String method = req.prologue().method().text();
    // The client's trace continues here; the server span is current for the whole request, so
    // logs, child work and metric exemplars all see it.
    Context parent = tracing.propagator().extract(Context.root(), req, HEADERS);
    Span span =
        tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", method)
            .setAttribute("url.path", req.path().path())
            .setAttribute("argus.request_id", id)
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      SpanContext sc = span.getSpanContext();
      if (tracing.enabled() && sc.isValid()) {
        MDC.put(LogContext.TRACE_ID, sc.getTraceId());
        MDC.put(LogContext.SPAN_ID, sc.getSpanId());
        MDC.put(LogContext.TRACE_FLAGS, sc.getTraceFlags().asHex());
        tracing
            .propagator()
            .inject(Context.current(), res, (r, k, v) -> r.header(HeaderNames.create(k), v));
      }
      handle(chain, req, res, start, span);
    } finally {
      span.end();
      MDC.remove(LogContext.TRACE_ID);
      MDC.remove(LogContext.SPAN_ID);
      MDC.remove(LogContext.TRACE_FLAGS);
    }
  }

  private void handle(
      FilterChain chain, RoutingRequest req, RoutingResponse res, long start, Span span) {
    metrics.httpStarted();
    try {
      chain.proceed();
    } finally {
      long nanos = System.nanoTime() - start;
      String route = req.context().get(ROUTE, String.class).orElse(UNMATCHED);
      long bytesIn =
          req.context()
              .get(REQUEST_BYTES, Long.class)
              .orElse(req.headers().contentLength().orElse(0));
      Optional<String> errorType = req.context().get(ERROR_TYPE, String.class);
      metrics.httpFinished(
          req.prologue().method().text(),
          route,
          res.status().code(),
          nanos,
          bytesIn,
          errorType.orElse(null));
      span.updateName(req.prologue().method().text() + " " + route);
      span.setAttribute("http.route", route);
      span.setAttribute("http.response.status_code", res.status().code());
      req.context()
          .get(CLASSIFICATION, Classification.class)
          .ifPresent(c -> {
            span.setAttribute("argus.model", c.model());
            span.setAttribute("argus.model_version", c.version());
            span.setAttribute("argus.prediction", c.top().label());
            span.setAttribute("argus.confidence", c.top().confidence());
            span.setAttribute("argus.batch_size", c.batchSize());
            span.setAttribute("argus.input_shape", c.inputShape());
            span.setAttribute("argus.output_shape", c.outputShape());
          });
      Optional<Throwable> error = req.context().get(ERROR, Throwable.class);
      error.ifPresent(span::recordException);
      if (res.status().code() >= 500) {
        // 4xx is the client's doing: recorded, but the server span's status stays unset.
        span.setStatus(
            StatusCode.ERROR,
            req.context().get(ERROR_MESSAGE, String.class).orElse("server error"));
      }
      errorType.ifPresent(t -> span.setAttribute("error.type", t));
      logRequest(req, res, route, nanos, bytesIn, errorType);
      MDC.remove(LogContext.REQUEST_ID);
      MDC.remove(LogContext.MODEL);
      MDC.remove(LogContext.MODEL_VERSION);
    }
  }

  /** The canonical line: everything about the request, once, as structured fields. */
  private static void logRequest(
      RoutingRequest req,
      RoutingResponse res,
      String route,
      long nanos,
      long bytesIn,
      Optional<String> errorType) {
    int status = res.status().code();
    List<Object> fields = new ArrayList<>();
    fields.add(kv("method", req.prologue().method().text()));
    fields.add(kv("route", route));
    fields.add(kv("status", status));
    fields.add(kv("duration_ms", nanos / 1_000_000.0));
    fields.add(kv("bytes_in", bytesIn));
    fields.add(kv("bytes_out", req.context().get(RESPONSE_BYTES, Long.class).orElse(0L)));
    fields.add(kv("client_address", clientAddress(req)));
    req.context()
        .get(REQUEST_PAYLOAD, String.class)
        .ifPresent(p -> fields.add(kv("request_payload", p)));
    req.context()
        .get(RESPONSE_PAYLOAD, String.class)
        .ifPresent(p -> fields.add(kv("response_payload", p)));
    req.context()
        .get(CLASSIFICATION, Classification.class)
        .ifPresent(c -> {
          PhaseTimings t = c.timings();
          fields.add(kv("outcome", "success"));
          fields.add(kv("decode_ms", t.decodeNanos() / 1e6));
          fields.add(kv("preprocess_ms", t.preprocessNanos() / 1e6));
          fields.add(kv("queue_ms", t.queueNanos() / 1e6));
          fields.add(kv("compute_ms", t.computeNanos() / 1e6));
          fields.add(kv("postprocess_ms", t.postprocessNanos() / 1e6));
          fields.add(kv("batch_size", c.batchSize()));
          fields.add(kv("input_shape", c.inputShape()));
          fields.add(kv("output_shape", c.outputShape()));
          fields.add(kv("prediction", c.top().label()));
          fields.add(kv("confidence", c.top().confidence()));
        });
    if (errorType.isPresent()) {
      fields.add(kv("error_type", errorType.get()));
      fields.add(kv("error", req.context().get(ERROR_MESSAGE, String.class).orElse("")));
      String format = "request_failed" + " {}".repeat(fields.size());
      if (status >= 500) {
        // Only a server failure earns a stack trace (a trailing Throwable is logged as one).
        req.context().get(ERROR, Throwable.class).ifPresent(fields::add);
        log.warn(format, fields.toArray());
      } else {
        log.info(format, fields.toArray());
      }
      return;
    }
    log.info("request_completed" + " {}".repeat(fields.size()), fields.toArray());
  }

  private static String clientAddress(RoutingRequest req) {
    return req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress()
        : String.valueOf(req.remotePeer().address());
  }
}
