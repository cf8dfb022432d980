package dev.argus.transport.grpc;

import dev.argus.service.ArgusException;
import dev.argus.transport.edge.EdgeException;
import io.grpc.Status;

/**
 * The one place failures become gRPC status codes: an exhaustive {@code switch} for each sealed
 * hierarchy, as {@code Responses} has for HTTP. A client's mistake is never {@code INTERNAL}.
 */
final class GrpcStatuses {
  private GrpcStatuses() {}

  /** A failure's gRPC code, and whether the server is at fault (what HTTP answers with a 5xx). */
  record Mapped(Status.Code code, boolean serverFault) {}

  /** Each kind of inference failure. */
  static Mapped of(ArgusException e) {
    return switch (e) {
      case ArgusException.InvalidInput x -> client(Status.Code.INVALID_ARGUMENT);
      case ArgusException.NotFound x -> client(Status.Code.NOT_FOUND);
      case ArgusException.ModelNotReady x -> server(Status.Code.UNAVAILABLE);
      case ArgusException.QueueFull x -> server(Status.Code.RESOURCE_EXHAUSTED);
      case ArgusException.ShuttingDown x -> server(Status.Code.UNAVAILABLE);
      case ArgusException.DeadlineExceeded x -> server(Status.Code.DEADLINE_EXCEEDED);
      case ArgusException.Cancelled x -> client(Status.Code.CANCELLED);
      case ArgusException.InferenceFailed x -> server(Status.Code.INTERNAL);
    };
  }

  /** Each kind of protocol failure: all of them the client's. */
  static Mapped of(EdgeException e) {
    return client(
        switch (e) {
          // A switched-off RPC (admin without a token) is as absent as one that does not exist.
          case EdgeException.RouteNotFound x -> Status.Code.UNIMPLEMENTED;
          case EdgeException.MethodNotAllowed x -> Status.Code.UNIMPLEMENTED;
          case EdgeException.Unauthorized x -> Status.Code.UNAUTHENTICATED;
          case EdgeException.Forbidden x -> Status.Code.PERMISSION_DENIED;
          case EdgeException.RequestTimeout x -> Status.Code.DEADLINE_EXCEEDED;
          case EdgeException.ClientClosed x -> Status.Code.CANCELLED;
          case EdgeException.Conflict x -> Status.Code.ABORTED;
          case EdgeException.PayloadTooLarge x -> Status.Code.RESOURCE_EXHAUSTED;
          case EdgeException.UnsupportedMediaType x -> Status.Code.INVALID_ARGUMENT;
          case EdgeException.RateLimited x -> Status.Code.RESOURCE_EXHAUSTED;
        });
  }

  /** The description a client reads: what was wrong, and the request id to find it in the logs. */
  static String describe(String message, String requestId) {
    return message + " (request id " + requestId + ")";
  }

  private static Mapped client(Status.Code code) {
    return new Mapped(code, false);
  }

  private static Mapped server(Status.Code code) {
    return new Mapped(code, true);
  }
}
