package dev.argus.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.observe.PhaseTimings;
import dev.argus.observe.RequestRecord;
import dev.argus.service.ArgusException;
import dev.argus.transport.edge.EdgeException;
import dev.argus.transport.edge.RequestIds;
import dev.argus.transport.edge.ServerTiming;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes responses, and maps every failure to its HTTP status and error body, in one place. */
public final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);
  public static final String JSON = "application/json";

  private Responses() {}

  public static void json(ServerRequest req, ServerResponse res, int status, JsonNode body) {
    byte[] bytes = Json.bytes(body);
    send(req, res, status, JSON, bytes, bytes.length);
  }

  /**
   * Sends {@code body} with the request id, counting its size for the canonical line, which may
   * show its first {@code loggedLength} bytes when payloads are logged.
   */
  public static void send(
      ServerRequest req,
      ServerResponse res,
      int status,
      String contentType,
      byte[] body,
      int loggedLength) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, contentType);
    // Error handlers run on a reset response, so the id is set again on every send.
    res.header(RequestIds.HEADER, HttpEdge.requestId(req));
    HttpEdge.record(req).bytesOut(body.length);
    HttpEdge.record(req).responseBody(body);
    Payloads.response(req, body, loggedLength);
    res.send(body);
  }

  /** The phase durations as a {@code Server-Timing} header, in milliseconds. */
  public static void serverTiming(ServerResponse res, PhaseTimings t) {
    res.header(HttpEdge.headerName(ServerTiming.NAME), ServerTiming.of(t));
  }

  /** The HTTP status of each kind of inference failure. */
  static int status(ArgusException e) {
    return switch (e) {
      case ArgusException.InvalidInput x -> 400;
      case ArgusException.NotFound x -> 404;
      case ArgusException.ModelNotReady x -> 503;
      case ArgusException.QueueFull x -> 503;
      case ArgusException.ShuttingDown x -> 503;
      case ArgusException.DeadlineExceeded x -> 504;
      // Only gRPC calls are cancelled; nginx's "client closed request", should one ever be logged.
      case ArgusException.Cancelled x -> 499;
      case ArgusException.InferenceFailed x -> 500;
    };
  }

  /** The HTTP status of each kind of protocol failure. */
  static int status(EdgeException e) {
    return switch (e) {
      case EdgeException.RouteNotFound x -> 404;
      case EdgeException.MethodNotAllowed x -> 405;
      case EdgeException.Unauthorized x -> 401;
      case EdgeException.Forbidden x -> 403;
      case EdgeException.RequestTimeout x -> 408;
      case EdgeException.Conflict x -> 409;
      case EdgeException.PayloadTooLarge x -> 413;
      case EdgeException.UnsupportedMediaType x -> 415;
      case EdgeException.RateLimited x -> 429;
      case EdgeException.ClientClosed x -> CLIENT_CLOSED;
    };
  }

  /** nginx's status for a client that closed its connection before the answer: nobody reads it. */
  static final int CLIENT_CLOSED = 499;

  public static ObjectNode errorBody(String message, String errorType, String requestId) {
    ObjectNode body = Json.object();
    body.put("error", message);
    body.put("error_type", errorType);
    body.put("request_id", requestId);
    return body;
  }

  /**
   * Answers a request shed before its body was read, from the handler itself: the same answer as
   * the error handler's, without throwing it through Helidon's error handling (which resets the
   * response and looks the handler up by type: a measurable share of a refusal's CPU under a
   * flood).
   */
  public static void refuse(ServerRequest req, ServerResponse res, ArgusException.QueueFull e) {
    error(req, res, e);
  }

  static void error(ServerRequest req, ServerResponse res, ArgusException e) {
    switch (e) {
      case ArgusException.QueueFull q ->
          res.header(
              HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, q.retryAfter().toSeconds())));
      case ArgusException.ModelNotReady n -> res.header(HeaderNames.RETRY_AFTER, "1");
      case ArgusException.ShuttingDown s -> res.header(HeaderNames.CONNECTION, "close");
      default -> {}
    }
    // Only a runtime failure has a stack trace worth logging; a refusal or timeout says it all.
    Throwable cause = e instanceof ArgusException.InferenceFailed ? e : null;
    fail(req, res, status(e), e.errorType(), e.getMessage(), cause);
  }

  static void error(ServerRequest req, ServerResponse res, EdgeException e) {
    switch (e) {
      case EdgeException.MethodNotAllowed m -> res.header(HeaderNames.ALLOW, m.allowed());
      // The rest of such a body is never read as a next request: the connection ends.
      case EdgeException.PayloadTooLarge p -> HttpEdge.closeAfter(req, res);
      case EdgeException.RequestTimeout t -> HttpEdge.closeAfter(req, res);
      case EdgeException.ClientClosed c -> {
        HttpEdge.closeAfter(req, res);
        HttpEdge.record(req).failure(e.errorType(), e.getMessage(), null, false);
        res.status(Status.create(CLIENT_CLOSED, "Client Closed Request"));
        try {
          res.send();
        } catch (RuntimeException gone) {
          log.debug("client gone before its answer: {}", gone.toString());
        }
        return;
      }
      case EdgeException.RateLimited r ->
          res.header(
              HeaderNames.RETRY_AFTER,
              String.valueOf(Math.max(1, (r.retryAfter().toMillis() + 999) / 1000)));
      case EdgeException.Unauthorized u ->
          res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"argus-admin\"");
      default -> {}
    }
    fail(req, res, status(e), e.errorType(), e.getMessage(), e);
  }

  /** A failure nobody anticipated: logged with its stack, answered without internals. */
  static void unexpected(ServerRequest req, ServerResponse res, Throwable t) {
    // The canonical line (ERROR, with the stack trace) reports it; nothing is logged twice.
    HttpEdge.record(req).failure("internal", String.valueOf(t), t, true);
    lingerOnUnreadBody(req, res);
    json(
        req,
        res,
        500,
        errorBody(
            "internal server error; see the server log for this request id",
            "internal",
            HttpEdge.requestId(req)));
  }

  /** Answers a failure the request's record and canonical line report, with its stack for 5xx. */
  static void fail(
      ServerRequest req,
      ServerResponse res,
      int status,
      String errorType,
      String message,
      Throwable cause) {
    log.debug("request answered {}: {}", status, message);
    RequestRecord record = HttpEdge.record(req);
    record.failure(errorType, message, cause, status >= 500);
    if (!(cause instanceof EdgeException.RequestTimeout)) {
      lingerOnUnreadBody(req, res);
    }
    json(req, res, status, errorBody(message, errorType, record.requestId()));
  }

  /**
   * A refusal before the body was read (too large, rate limited, no route, shed): read the rest of
   * it first, within {@code server.lingering_*}, as nginx's lingering close does, so a client that
   * sends its whole body before it reads gets this answer instead of a reset; if that is more than
   * the bounds allow, answer and close at once.
   */
  private static void lingerOnUnreadBody(ServerRequest req, ServerResponse res) {
    if (!req.content().hasEntity() || req.content().consumed()) {
      return;
    }
    HttpLimits limits = HttpLimits.of(req);
    boolean drained = Bodies.drain(req, limits.lingeringBytes(), limits.lingeringNanos());
    if (!drained) {
      HttpEdge.closeAfter(req, res);
    }
  }
}
