package dev.argus.observe;

import io.opentelemetry.api.trace.SpanContext;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * The gRPC part of the metric catalogue, named after OpenTelemetry's rpc semantic conventions
 * ({@code rpc.server.call.duration} with {@code rpc.system}, {@code rpc.service}, {@code
 * rpc.method}, {@code rpc.grpc.status_code}) in Prometheus form. {@link Metrics} creates it and
 * lists its names with the rest. Label values are bounded by the transport: the RPCs it serves, or
 * {@code other}; status codes are gRPC's 17 numbers.
 */
public final class RpcMetrics {
  /** {@code rpc_system} of every series: Argus speaks no other RPC protocol. */
  public static final String SYSTEM = "grpc";

  private final Counter requests;
  private final Histogram duration;
  private final Counter streamMessages;
  private final Counter errors;
  private final Histogram requestSize;
  private final Gauge active;

  RpcMetrics(MetricFactory f) {
    requests =
        f.counter(
            "rpc_server_requests_total",
            "gRPC calls answered (a unary call, or a whole stream), by service, method and gRPC"
                + " status code.",
            "rpc_system",
            "rpc_service",
            "rpc_method",
            "rpc_grpc_status_code");
    duration =
        f.histogram(
            "rpc_server_call_duration_seconds",
            "Time from a gRPC call's start to its status, by service, method and gRPC status code"
                + " (OpenTelemetry's rpc.server.call.duration).",
            Metrics.LATENCY_BUCKETS,
            "rpc_system",
            "rpc_service",
            "rpc_method",
            "rpc_grpc_status_code");
    streamMessages =
        f.counter(
            "rpc_server_stream_messages_total",
            "Requests on gRPC streams (ModelStreamInfer), each answered on the stream, by the gRPC"
                + " status code its answer carries.",
            "rpc_service",
            "rpc_method",
            "rpc_grpc_status_code");
    errors =
        f.counter(
            "rpc_server_errors_total",
            "gRPC requests (calls and stream messages) answered with an error, by method and"
                + " error_type.",
            "rpc_method",
            "error_type");
    requestSize =
        f.histogram(
            "rpc_server_request_size_bytes",
            "Size of gRPC request messages that reached a handler, by method.",
            Metrics.SIZE_BUCKETS,
            "rpc_service",
            "rpc_method");
    active =
        f.gauge(
            "rpc_server_active_calls",
            "gRPC calls started and not yet finished (streams count while open).");
  }

  /** A call began: its headers arrived. */
  public void callStarted() {
    active.inc();
  }

  /**
   * A call ended with gRPC status {@code code} after {@code nanos}. Calls end on the transport's
   * threads, where no span is current, so the duration's exemplar is the call's request span, given
   * here (invalid: none).
   */
  public void callFinished(
      String service, String method, int code, long nanos, SpanContext exemplar) {
    active.dec();
    String c = String.valueOf(code);
    requests.labelValues(SYSTEM, service, method, c).inc();
    var point = duration.labelValues(SYSTEM, service, method, c);
    if (exemplar.isValid() && exemplar.isSampled()) {
      point.observeWithExemplar(
          nanos / 1e9,
          Labels.of("span_id", exemplar.getSpanId(), "trace_id", exemplar.getTraceId()));
    } else {
      point.observe(nanos / 1e9);
    }
  }

  /** One request on a stream was answered with {@code code} (0 on success). */
  public void streamMessageAnswered(String service, String method, int code) {
    streamMessages.labelValues(service, method, String.valueOf(code)).inc();
  }

  /** A request (call or stream message) was answered with an error of {@code errorType}. */
  public void error(String method, String errorType) {
    errors.labelValues(method, errorType).inc();
  }

  /** A request message of {@code bytes} reached its handler. */
  public void requestSize(String service, String method, long bytes) {
    requestSize.labelValues(service, method).observe(bytes);
  }
}
