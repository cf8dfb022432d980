package dev.argus.transport.edge;

import java.time.Duration;

/**
 * Failures of the protocol itself, before or around an inference: no such route, a missing or wrong
 * admin token, a client over its rate limit, a body too large, too slow or of the wrong type. Each
 * transport maps each kind to its status in one exhaustive {@code switch}, as it does for the
 * domain's {@code ArgusException}; {@link #errorType()} is the stable name clients and logs see.
 */
public abstract sealed class EdgeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private EdgeException(String message) {
    super(message, null, false, false);
  }

  /** A stable, lower_snake_case name for this kind of failure. */
  public abstract String errorType();

  /** No endpoint for this method and path, or one switched off by configuration. */
  public static final class RouteNotFound extends EdgeException {
    private static final long serialVersionUID = 1L;

    private RouteNotFound(String message) {
      super(message);
    }

    public static RouteNotFound of(String method, String path) {
      return new RouteNotFound("no endpoint " + method + " " + path);
    }

    /** A route that exists but is off; {@code why} says how to enable it. */
    public static RouteNotFound off(String method, String path, String why) {
      return new RouteNotFound(method + " " + path + ": " + why);
    }

    @Override
    public String errorType() {
      return "not_found";
    }
  }

  /** The method is not served on this path; {@link #allowed()} lists those that are. */
  public static final class MethodNotAllowed extends EdgeException {
    private static final long serialVersionUID = 1L;
    private final String allowed;

    public MethodNotAllowed(String method, String path, String allowed) {
      super(method + " is not allowed on " + path + " (allowed: " + allowed + ")");
      this.allowed = allowed;
    }

    public String allowed() {
      return allowed;
    }

    @Override
    public String errorType() {
      return "method_not_allowed";
    }
  }

  /** An admin endpoint was called without a token ({@code Authorization: Bearer ...}). */
  public static final class Unauthorized extends EdgeException {
    private static final long serialVersionUID = 1L;

    public Unauthorized(String message) {
      super(message);
    }

    @Override
    public String errorType() {
      return "unauthorized";
    }
  }

  /** An admin endpoint was called with a token that is not the admin token. */
  public static final class Forbidden extends EdgeException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
      super(message);
    }

    @Override
    public String errorType() {
      return "forbidden";
    }
  }

  /** A client went over its rate limit; {@link #retryAfter()} says when it has a token again. */
  public static final class RateLimited extends EdgeException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public RateLimited(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public String errorType() {
      return "rate_limited";
    }
  }

  /** The body is larger than {@code limits.max_request_bytes}. */
  public static final class PayloadTooLarge extends EdgeException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLarge(long limit) {
      super("request body is larger than " + limit + " bytes (limits.max_request_bytes)");
    }

    @Override
    public String errorType() {
      return "payload_too_large";
    }
  }

  /** The client took too long to send its body ({@code server.body_read_timeout}). */
  public static final class RequestTimeout extends EdgeException {
    private static final long serialVersionUID = 1L;

    public RequestTimeout(String message) {
      super(message);
    }

    @Override
    public String errorType() {
      return "request_timeout";
    }
  }

  /**
   * The client closed its connection before its request was answered (while sending its body):
   * nobody is left to answer, which is the client's doing, not a server failure.
   */
  public static final class ClientClosed extends EdgeException {
    private static final long serialVersionUID = 1L;

    public ClientClosed(String message) {
      super(message);
    }

    @Override
    public String errorType() {
      return "client_closed";
    }
  }

  /** The body's content type is not one the endpoint reads. */
  public static final class UnsupportedMediaType extends EdgeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedMediaType(String contentType, String accepted) {
      super("content type '" + contentType + "' is not supported (expected: " + accepted + ")");
    }

    @Override
    public String errorType() {
      return "unsupported_media_type";
    }
  }

  /** The action is already running (one profile at a time). */
  public static final class Conflict extends EdgeException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message);
    }

    @Override
    public String errorType() {
      return "conflict";
    }
  }
}
