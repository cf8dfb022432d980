package dev.argus.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.service.ArgusException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON responses and maps every failure to its status, in one place. */
final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);
  static final String JSON = "application/json";

  private Responses() {}

  static void json(ServerRequest req, ServerResponse res, int status, JsonNode body) {
    byte[] bytes = Json.bytes(body);
    send(req, res, status, JSON, bytes, bytes.length);
  }

  /**
   * Sends {@code body} with the request id, counting its size for the canonical line, which may
   * show its first {@code loggedLength} bytes when payloads are logged.
   */
  static void send(
      ServerRequest req,
      ServerResponse res,
      int status,
      String contentType,
      byte[] body,
      int loggedLength) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, contentType);
    // Error handlers run on a reset response, so the id is set again on every send.
    res.header(RequestIds.HEADER, requestId(req));
    req.context().register(EdgeFilter.RESPONSE_BYTES, (long) body.length);
    Payloads.response(req, body, loggedLength);
    res.send(body);
  }

  static String requestId(ServerRequest req) {
    return req.context().get(EdgeFilter.REQUEST_ID, String.class).orElse("");
  }

  /** The HTTP status of each kind of failure. */
  static int status(ArgusException e) {
    return switch (e) {
      case ArgusException.InvalidInput x -> 400;
      case ArgusException.Unauthorized x -> 401;
      case ArgusException.Forbidden x -> 403;
      case ArgusException.NotFound x -> 404;
      case ArgusException.RequestTimeout x -> 408;
      case ArgusException.Conflict x -> 409;
      case ArgusException.RateLimited x -> 429;
      case ArgusException.MethodNotAllowed x -> 405;
      case ArgusException.PayloadTooLarge x -> 413;
      case ArgusException.UnsupportedMediaType x -> 415;
      case ArgusException.ModelNotReady x -> 503;
      case ArgusException.QueueFull x -> 503;
      case ArgusException.ShuttingDown x -> 503;
      case ArgusException.DeadlineExceeded x -> 504;
      case ArgusException.InferenceFailed x -> 500;
    };
  }

  static ObjectNode errorBody(String message, String errorType, String requestId) {
    ObjectNode body = Json.object();
    body.put("error", message);
    body.put("error_type", errorType);
    body.put("request_id", requestId);
    return body;
  }

  static void error(ServerRequest req, ServerResponse res, ArgusException e) {
    int status = status(e);
    // The edge filter's request_failed line reports it, with the stack trace for a 5xx.
    log.debug("request answered {}: {}", status, e.getMessage());
    switch (e) {
      case ArgusException.QueueFull q ->
          res.header(
              HeaderNames.RETRY_AFTER, String.valueOf(Math.max(1, q.retryAfter().toSeconds())));
      case ArgusException.MethodNotAllowed m -> res.header(HeaderNames.ALLOW, m.allowed());
      case ArgusException.PayloadTooLarge p -> res.header(HeaderNames.CONNECTION, "close");
      case ArgusException.RequestTimeout t -> res.header(HeaderNames.CONNECTION, "close");
      case ArgusException.RateLimited r ->
          res.header(
              HeaderNames.RETRY_AFTER,
              String.valueOf(Math.max(1, (r.retryAfter().toMillis() + 999) / 1000)));
      case ArgusException.Unauthorized u ->
          res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"argus-admin\"");
      default -> {}
    }
    req.context().register(EdgeFilter.ERROR_TYPE, e.errorType());
    req.context().register(EdgeFilter.ERROR_MESSAGE, e.getMessage());
    req.context().register(EdgeFilter.ERROR, e);
    json(req, res, status, errorBody(e.getMessage(), e.errorType(), requestId(req)));
  }

  /** A failure nobody anticipated: logged with its stack, answered without internals. */
  static void unexpected(ServerRequest req, ServerResponse res, Throwable t) {
    log.error(
        "unexpected failure handling {} {}: {}",
        req.prologue().method(),
        req.path().path(),
        t.toString());
    req.context().register(EdgeFilter.ERROR_TYPE, "internal");
    req.context().register(EdgeFilter.ERROR_MESSAGE, String.valueOf(t));
    req.context().register(EdgeFilter.ERROR, t);
    json(
        req,
        res,
        500,
        errorBody(
            "internal server error; see the server log for this request id",
            "internal",
            requestId(req)));
  }
}
