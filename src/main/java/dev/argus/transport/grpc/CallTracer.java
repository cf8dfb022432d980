package dev.argus.transport.grpc;

import dev.argus.observe.RequestRecord;
import dev.argus.observe.RpcMetrics;
import dev.argus.transport.edge.RequestScope;
import dev.argus.transport.edge.RequestScopes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.Set;

/**
 * Sees every gRPC call from its headers to its status, whether or not a handler ever runs: gRPC
 * itself refuses unknown methods, oversized messages and calls cancelled before their message
 * arrived. It makes each call's {@link Call} (put in the call's context) and records the call
 * metrics with the status the client really got. For calls of the inference service that no handler
 * took, it also writes the canonical line, so no refused call goes unexplained.
 */
final class CallTracer extends ServerStreamTracer.Factory {
  static final String OTHER = "other";

  private final Set<String> knownMethods;
  private final Set<String> loggedServices;
  private final RpcMetrics metrics;
  private final RequestScopes scopes;

  /**
   * @param knownMethods full names ({@code service/method}) of every RPC served: others are counted
   *     as {@code other}, so clients cannot add label values
   * @param loggedServices the services whose refused calls get a canonical line (not health checks)
   */
  CallTracer(
      Set<String> knownMethods,
      Set<String> loggedServices,
      RpcMetrics metrics,
      RequestScopes scopes) {
    this.knownMethods = Set.copyOf(knownMethods);
    this.loggedServices = Set.copyOf(loggedServices);
    this.metrics = metrics;
    this.scopes = scopes;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    String service = OTHER;
    String method = OTHER;
    if (knownMethods.contains(fullMethodName)) {
      int slash = fullMethodName.indexOf('/');
      service = fullMethodName.substring(0, slash);
      method = fullMethodName.substring(slash + 1);
    }
    Call call = new Call(fullMethodName, service, method, headers, System.nanoTime());
    metrics.callStarted();
    return new Tracer(call);
  }

  private final class Tracer extends ServerStreamTracer {
    private final Call call;

    Tracer(Call call) {
      this.call = call;
    }

    @Override
    public Context filterContext(Context context) {
      return context.withValue(Call.KEY, call);
    }

    @Override
    public void serverCallStarted(ServerCallInfo<?, ?> info) {
      call.peer(address(info.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    }

    @Override
    public void streamClosed(Status status) {
      long nanos = System.nanoTime() - call.startNanos;
      metrics.callFinished(
          call.service, call.method, status.getCode().value(), nanos, scopes.exemplar(call.span()));
      if (!call.wasHandled()
          && (call.service.equals(OTHER) || loggedServices.contains(call.service))) {
        unhandled(status);
      }
    }

    /** The canonical line of a call gRPC refused before any handler saw it. */
    private void unhandled(Status status) {
      String type = status.getCode().name().toLowerCase(Locale.ROOT);
      metrics.error(call.method, type);
      try (RequestScope scope =
          scopes.open(
              "grpc",
              call.fullMethod,
              call.fullMethod,
              call.header(Call.REQUEST_ID),
              call.headers,
              GrpcEdge.METADATA,
              call.startNanos)) {
        RequestRecord record = scope.record();
        record.route(call.method);
        record.clientAddress(call.peer());
        record.status(status.getCode().value());
        String message =
            call.fullMethod
                + ": "
                + (status.getDescription() == null ? status.getCode() : status.getDescription());
        record.failure(type, message, null, false);
      }
    }
  }

  /** A peer's address as the canonical line shows it. */
  static String address(SocketAddress address) {
    return address instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress()
        : String.valueOf(address);
  }
}
