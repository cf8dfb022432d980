package dev.argus.transport.grpc;

import com.google.protobuf.MessageLite;
import dev.argus.observe.RequestRecord;
import dev.argus.observe.RpcMetrics;
import dev.argus.service.ArgusException;
import dev.argus.service.Cancellation;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.edge.RequestScope;
import dev.argus.transport.edge.RequestScopes;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC side of the request edge: each unary call, and each request on a stream, runs inside its
 * own {@link RequestScope} (request id from {@code x-request-id}, a server span continuing the
 * {@code traceparent} metadata, the log context, the canonical line with {@code protocol=grpc}),
 * with the call's deadline as its timeout and the call's cancellation as its {@link Cancellation}.
 * A failure is answered here, mapped by {@link GrpcStatuses}, with the request id in its message.
 */
final class GrpcEdge {
  private static final Logger log = LoggerFactory.getLogger(GrpcEdge.class);

  /** W3C trace context (and anything else the propagator wants) from gRPC metadata. */
  static final TextMapGetter<Metadata> METADATA =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata headers) {
          return headers.keys();
        }

        @Override
        public String get(Metadata headers, String key) {
          if (headers == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            return null;
          }
          return headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
      };

  /**
   * What a handler has to answer one request with.
   *
   * @param timeout how long the request may take: {@code server.request_timeout}, or what is left
   *     of the call's deadline when that is sooner
   * @param deadline the call's deadline, or null
   */
  record Exchange(
      Call call,
      RequestRecord record,
      Duration timeout,
      Deadline deadline,
      Cancellation cancellation) {}

  /** Answers one request; throws {@code ArgusException} or {@code EdgeException} to refuse it. */
  @FunctionalInterface
  interface Handler<Q, A> {
    A handle(Q request, Exchange exchange);
  }

  private final RequestScopes scopes;
  private final RpcMetrics metrics;
  private final Duration maxTimeout;

  /**
   * @param maxTimeout {@code server.request_timeout}: a call's deadline may lower it, never raise
   *     it
   */
  GrpcEdge(RequestScopes scopes, RpcMetrics metrics, Duration maxTimeout) {
    this.scopes = scopes;
    this.metrics = metrics;
    this.maxTimeout = maxTimeout;
  }

  /**
   * Runs a unary call on this (the call's) thread: opens its scope, answers it, closes the scope. A
   * client's cancellation calls the request off; the call's deadline passing does not (the request
   * ends at the same deadline as {@code timeout} on its own).
   */
  <Q extends MessageLite, A extends MessageLite> void unary(
      Q request, StreamObserver<A> out, Handler<Q, A> handler) {
    Call call = Call.current().orElseThrow();
    call.handled();
    ServerCallStreamObserver<A> answer = (ServerCallStreamObserver<A>) out;
    io.grpc.Context context = io.grpc.Context.current();
    Deadline deadline = context.getDeadline();
    Cancellation cancellation = Cancellation.create();
    // This thread is the call's: gRPC delivers onCancel only after the handler returns, but
    // cancels the call's context at once, from its own thread.
    io.grpc.Context.CancellationListener onCancel =
        c -> cancelUnlessExpired(cancellation, deadline);
    context.addListener(onCancel, Runnable::run);
    answer.setOnCancelHandler(() -> cancelUnlessExpired(cancellation, deadline));
    try (RequestScope scope = open(call, Optional.empty(), request)) {
      RequestRecord record = scope.record();
      call.requestId(scope.requestId());
      call.span(record.span().getSpanContext());
      scope.injectTraceContext(call::traceContext);
      A response;
      try {
        response =
            handler.handle(
                request,
                new Exchange(call, record, timeout(deadline, maxTimeout), deadline, cancellation));
      } catch (RuntimeException e) {
        Status status = fail(call, record, e);
        answer.onError(status.asRuntimeException());
        return;
      }
      answered(call, record, Status.Code.OK, response.getSerializedSize());
      answer.onNext(response);
      answer.onCompleted();
    } finally {
      context.removeListener(onCancel);
    }
  }

  /**
   * Runs one request of a stream on this thread, in a scope of its own whose request id is the
   * stream's with {@code -seq} appended; returns the answer the stream carries (the response, or
   * the error message), with the request's {@code id}.
   *
   * @param deadline the stream's deadline, or null
   */
  <A> A streamed(
      Call call,
      long seq,
      dev.argus.transport.grpc.proto.ModelInferRequest request,
      Deadline deadline,
      Cancellation cancellation,
      Handler<dev.argus.transport.grpc.proto.ModelInferRequest, A> handler,
      java.util.function.BiFunction<String, String, A> error) {
    Optional<String> id = call.requestId().map(base -> base + "-" + seq);
    try (RequestScope scope = open(call, id, request)) {
      RequestRecord record = scope.record();
      try {
        A response =
            handler.handle(
                request,
                new Exchange(call, record, timeout(deadline, maxTimeout), deadline, cancellation));
        answered(call, record, Status.Code.OK, -1);
        metrics.streamMessageAnswered(call.service, call.method, Status.Code.OK.value());
        return response;
      } catch (RuntimeException e) {
        Status status = fail(call, record, e);
        metrics.streamMessageAnswered(call.service, call.method, status.getCode().value());
        return error.apply(status.getDescription(), record.requestId());
      }
    }
  }

  private RequestScope open(Call call, Optional<String> requestId, MessageLite request) {
    RequestScope scope =
        scopes.open(
            "grpc",
            call.fullMethod,
            call.fullMethod,
            requestId.isPresent() ? requestId : call.header(Call.REQUEST_ID),
            call.headers,
            METADATA,
            requestId.isPresent() ? System.nanoTime() : call.startNanos);
    RequestRecord record = scope.record();
    record.route(call.method);
    record.clientAddress(call.peer());
    int size = request.getSerializedSize();
    record.bytesIn(size);
    metrics.requestSize(call.service, call.method, size);
    Span span = record.span();
    if (span.isRecording()) {
      span.setAttribute("rpc.system", RpcMetrics.SYSTEM);
      span.setAttribute("rpc.service", call.service);
      span.setAttribute("rpc.method", call.method);
      span.setAttribute("network.peer.address", call.peer());
    }
    return scope;
  }

  private static void answered(Call call, RequestRecord record, Status.Code code, long bytesOut) {
    record.status(code.value());
    if (bytesOut >= 0) {
      record.bytesOut(bytesOut);
    }
    if (record.span().isRecording()) {
      record.span().setAttribute("rpc.grpc.status_code", (long) code.value());
    }
  }

  /** Records why the request failed and returns the status its client gets. */
  private Status fail(Call call, RequestRecord record, RuntimeException e) {
    GrpcStatuses.Mapped mapped;
    String type;
    switch (e) {
      case ArgusException a -> {
        mapped = GrpcStatuses.of(a);
        type = a.errorType();
      }
      case EdgeException a -> {
        mapped = GrpcStatuses.of(a);
        type = a.errorType();
      }
      default -> {
        log.error("unexpected failure handling {}: {}", call.fullMethod, e.toString());
        record.failure("internal", String.valueOf(e), e, true);
        answered(call, record, Status.Code.INTERNAL, 0);
        call.errorType("internal");
        metrics.error(call.method, "internal");
        return Status.INTERNAL.withDescription(
            GrpcStatuses.describe(
                "internal server error; see the server log for this request id",
                record.requestId()));
      }
    }
    log.debug("request answered {}: {}", mapped.code(), e.getMessage());
    record.failure(type, e.getMessage(), e, mapped.serverFault());
    answered(call, record, mapped.code(), 0);
    call.errorType(type);
    metrics.error(call.method, type);
    return Status.fromCode(mapped.code())
        .withDescription(GrpcStatuses.describe(e.getMessage(), record.requestId()));
  }

  /**
   * A cancellation that arrives this close to the call's deadline is the deadline passing at the
   * client: the client's timer fires before the server's by about the time the call took to arrive,
   * and sends a cancel (RST_STREAM) that reaches the server just before its own deadline.
   */
  static final long DEADLINE_GRACE_MILLIS = 100;

  /**
   * A client's cancellation calls the request off; a deadline passing (or about to: {@link
   * #DEADLINE_GRACE_MILLIS}) leaves it to time out, so it is counted as the timeout it is (against
   * the SLO) rather than as a client's change of mind.
   */
  static void cancelUnlessExpired(Cancellation cancellation, Deadline deadline) {
    if (deadline == null || deadline.timeRemaining(TimeUnit.MILLISECONDS) > DEADLINE_GRACE_MILLIS) {
      cancellation.cancel();
    }
  }

  /** {@code max}, or what is left of the call's deadline when that is sooner. */
  static Duration timeout(Deadline deadline, Duration max) {
    if (deadline == null) {
      return max;
    }
    long left = deadline.timeRemaining(TimeUnit.NANOSECONDS);
    if (left <= 0) {
      return Duration.ZERO;
    }
    return left < max.toNanos() ? Duration.ofNanos(left) : max;
  }
}
