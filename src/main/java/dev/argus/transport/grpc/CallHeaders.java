package dev.argus.transport.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.argus.observe.RequestRecord;
import dev.argus.service.ArgusException;
import dev.argus.transport.edge.RequestScope;
import dev.argus.transport.edge.RequestScopes;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Wraps each call of the inference service: its answer's headers and trailers carry {@code
 * x-request-id} (and, for inference, {@code server-timing} and {@code x-error-type}), and a request
 * message that is not valid protobuf is refused with {@code INVALID_ARGUMENT}, a canonical line and
 * a request id, where gRPC alone would answer {@code UNKNOWN}. It intercepts the service as raw
 * {@link InputStream} messages, so that parsing happens inside it.
 */
final class CallHeaders implements ServerInterceptor {
  private final RequestScopes scopes;
  private final dev.argus.observe.RpcMetrics metrics;

  CallHeaders(RequestScopes scopes, dev.argus.observe.RpcMetrics metrics) {
    this.scopes = scopes;
    this.metrics = metrics;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Call state = Call.current().orElseThrow();
    ServerCall<Q, A> answering = new Answering<>(call, state);
    return new ParseGuard<>(next.startCall(answering, headers), answering, state);
  }

  /** Adds the request's identity and timings to what the call sends. */
  private static final class Answering<Q, A>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
    private final Call state;

    Answering(ServerCall<Q, A> delegate, Call state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      state.requestId().ifPresent(id -> headers.put(Call.REQUEST_ID, id));
      state
          .traceContext()
          .forEach((k, v) -> headers.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
      super.sendHeaders(headers);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      state.requestId().ifPresent(id -> trailers.put(Call.REQUEST_ID, id));
      state.serverTiming().ifPresent(t -> trailers.put(Call.SERVER_TIMING, t));
      state.errorType().ifPresent(t -> trailers.put(Call.ERROR_TYPE, t));
      super.close(status, trailers);
    }
  }

  /**
   * Turns a message protobuf cannot parse into the client's error it is. After it, the handler
   * hears only that the call is over (as if cancelled), never the message.
   */
  private final class ParseGuard<Q, A>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, A> call;
    private final Call state;
    private boolean refused;

    ParseGuard(ServerCall.Listener<Q> delegate, ServerCall<Q, A> call, Call state) {
      super(delegate);
      this.call = call;
      this.state = state;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      try {
        super.onMessage(message);
      } catch (StatusRuntimeException e) {
        if (!(e.getCause() instanceof InvalidProtocolBufferException bad)) {
          throw e;
        }
        refused = true;
        refuse(bad);
        super.onCancel();
      }
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    private void refuse(InvalidProtocolBufferException bad) {
      state.handled();
      var failure =
          new ArgusException.InvalidInput(
              "the request is not a valid protobuf message of "
                  + state.fullMethod
                  + ": "
                  + bad.getMessage(),
              bad);
      try (RequestScope scope =
          scopes.open(
              "grpc",
              state.fullMethod,
              state.fullMethod,
              state.header(Call.REQUEST_ID),
              state.headers,
              GrpcEdge.METADATA,
              state.startNanos)) {
        RequestRecord record = scope.record();
        record.route(state.method);
        record.clientAddress(state.peer());
        record.status(Status.Code.INVALID_ARGUMENT.value());
        record.failure(failure.errorType(), failure.getMessage(), failure, false);
        state.requestId(scope.requestId());
        state.errorType(failure.errorType());
        metrics.error(state.method, failure.errorType());
        call.close(
            Status.INVALID_ARGUMENT.withDescription(
                GrpcStatuses.describe(failure.getMessage(), scope.requestId())),
            new Metadata());
      }
    }
  }
}
