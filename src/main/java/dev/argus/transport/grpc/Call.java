package dev.argus.transport.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Optional;

/**
 * One gRPC call as the edge sees it, from its headers to its status: which RPC, its metadata, when
 * it started, and what the handler learned that the answer's headers and trailers carry (the
 * request id, the phase timings). {@link CallTracer} makes it and puts it in the call's {@link
 * Context}, where interceptors and handlers find it; fields set by the handler are read on the
 * transport's threads, hence volatile.
 */
final class Call {
  static final Context.Key<Call> KEY = Context.key("argus.grpc.call");

  static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> SERVER_TIMING =
      Metadata.Key.of("server-timing", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> ERROR_TYPE =
      Metadata.Key.of("x-error-type", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  final String fullMethod;
  final String service;
  final String method;
  final Metadata headers;
  final long startNanos;

  private final java.util.Map<String, String> traceContext =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile String peer = "";
  private volatile String requestId;
  private volatile String serverTiming;
  private volatile String errorType;
  private volatile SpanContext span = SpanContext.getInvalid();
  private volatile boolean handled;

  /**
   * @param service the RPC's service, or {@code other} for one Argus does not serve
   * @param method the RPC's method, or {@code other}
   */
  Call(String fullMethod, String service, String method, Metadata headers, long startNanos) {
    this.fullMethod = fullMethod;
    this.service = service;
    this.method = method;
    this.headers = headers;
    this.startNanos = startNanos;
  }

  /** The call being handled on this thread, if it is a gRPC call. */
  static Optional<Call> current() {
    return Optional.ofNullable(KEY.get());
  }

  /** A metadata value the client sent. */
  Optional<String> header(Metadata.Key<String> key) {
    return Optional.ofNullable(headers.get(key));
  }

  void peer(String address) {
    this.peer = address;
  }

  String peer() {
    return peer;
  }

  /** The request id the answer's headers and trailers carry. */
  void requestId(String id) {
    this.requestId = id;
  }

  Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** {@code traceparent} (and {@code tracestate}) of the call's server span, for the answer. */
  void traceContext(String key, String value) {
    traceContext.put(key, value);
  }

  java.util.Map<String, String> traceContext() {
    return traceContext;
  }

  void serverTiming(String value) {
    this.serverTiming = value;
  }

  Optional<String> serverTiming() {
    return Optional.ofNullable(serverTiming);
  }

  void errorType(String type) {
    this.errorType = type;
  }

  Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /** The server span of the call's request, for the duration's exemplar. */
  void span(SpanContext context) {
    this.span = context;
  }

  SpanContext span() {
    return span;
  }

  /** A handler took the call: it writes the canonical lines, not the tracer. */
  void handled() {
    this.handled = true;
  }

  boolean wasHandled() {
    return handled;
  }
}
