package dev.argus.service;

import java.time.Duration;

/**
 * Every failure a client can be told about. The transport maps each kind to a status in one
 * exhaustive {@code switch}; {@link #errorType()} is the stable name clients and metrics see.
 */
public abstract sealed class ArgusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private ArgusException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  /** A stable, lower_snake_case name for this kind of failure. */
  public abstract String errorType();

  /** The request is malformed or does not fit the model. */
  public static final class InvalidInput extends ArgusException {
    private static final long serialVersionUID = 1L;

    public InvalidInput(String message) {
      super(message, null);
    }

    public InvalidInput(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public String errorType() {
      return "invalid_input";
    }
  }

  /** An admin endpoint was called without a token ({@code Authorization: Bearer ...}). */
  public static final class Unauthorized extends ArgusException {
    private static final long serialVersionUID = 1L;

    public Unauthorized(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "unauthorized";
    }
  }

  /** An admin endpoint was called with a token that is not the admin token. */
  public static final class Forbidden extends ArgusException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "forbidden";
    }
  }

  /** A client went over its rate limit; {@link #retryAfter()} says when it has a token again. */
  public static final class RateLimited extends ArgusException {
    private static final long serialVersionUID = 1L;
    private final transient Duration retryAfter;

    public RateLimited(String message, Duration retryAfter) {
      super(message, null);
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

  /** The client took longer than {@code server.body_read_timeout} to send its body. */
  public static final class RequestTimeout extends ArgusException {
    private static final long serialVersionUID = 1L;

    public RequestTimeout(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "request_timeout";
    }
  }

  /** The action is already running (one profile at a time). */
  public static final class Conflict extends ArgusException {
    private static final long serialVersionUID = 1L;

    public Conflict(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "conflict";
    }
  }

  /** No model, or no route, of that name. */
  public static final class NotFound extends ArgusException {
    private static final long serialVersionUID = 1L;
    private final boolean model;

    private NotFound(String message, boolean model) {
      super(message, null);
      this.model = model;
    }

    /** Worded like Triton's message, so people searching for it find the familiar text. */
    public static NotFound model(String name) {
      return new NotFound("Request for unknown model: '" + name + "' is not found", true);
    }

    /** A model that was unloaded through the repository API. */
    public static NotFound unloaded(String name) {
      return new NotFound(
          "Request for unknown model: '"
              + name
              + "' is unloaded (load it with POST"
              + " /v2/repository/models/"
              + name
              + "/load)",
          true);
    }

    /** A version other than the one served. */
    public static NotFound version(String name, String asked, String served) {
      return new NotFound(
          "Request for unknown model: '"
              + name
              + "' version "
              + asked
              + " is not found (serving version "
              + served
              + ")",
          true);
    }

    public static NotFound route(String method, String path) {
      return new NotFound("no endpoint " + method + " " + path, false);
    }

    /**
     * A route that exists but is switched off by configuration; {@code why} says how to enable it.
     */
    public static NotFound offRoute(String method, String path, String why) {
      return new NotFound(method + " " + path + ": " + why, false);
    }

    @Override
    public String errorType() {
      return model ? "unknown_model" : "not_found";
    }
  }

  /** The HTTP method is not served on this path. */
  public static final class MethodNotAllowed extends ArgusException {
    private static final long serialVersionUID = 1L;
    private final String allowed;

    public MethodNotAllowed(String method, String path, String allowed) {
      super(method + " is not allowed on " + path + " (allowed: " + allowed + ")", null);
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

  /** The body is larger than {@code limits.max_request_bytes}. */
  public static final class PayloadTooLarge extends ArgusException {
    private static final long serialVersionUID = 1L;

    public PayloadTooLarge(long limit) {
      super("request body is larger than " + limit + " bytes (limits.max_request_bytes)", null);
    }

    @Override
    public String errorType() {
      return "payload_too_large";
    }
  }

  /** The body's content type is not one the endpoint reads. */
  public static final class UnsupportedMediaType extends ArgusException {
    private static final long serialVersionUID = 1L;

    public UnsupportedMediaType(String contentType, String accepted) {
      super(
          "content type '" + contentType + "' is not supported (expected: " + accepted + ")", null);
    }

    @Override
    public String errorType() {
      return "unsupported_media_type";
    }
  }

  /** The model exists but is loading, failed to load, or was unloaded. */
  public static final class ModelNotReady extends ArgusException {
    private static final long serialVersionUID = 1L;

    public ModelNotReady(String name, String reason) {
      super("model '" + name + "' is not ready: " + reason, null);
    }

    @Override
    public String errorType() {
      return "model_not_ready";
    }
  }

  /** The model's queue is full; the client should retry after {@link #retryAfter()}. */
  public static final class QueueFull extends ArgusException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public QueueFull(String message, Duration retryAfter) {
      super(message, null);
      this.retryAfter = retryAfter;
    }

    /** The model's batch queue is full. */
    public static QueueFull forQueue(String name, int capacity, Duration retryAfter) {
      return new QueueFull(
          "model '" + name + "' is overloaded: its queue of " + capacity + " is full", retryAfter);
    }

    public Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public String errorType() {
      return "queue_full";
    }
  }

  /** The server is shutting down and takes no new work. */
  public static final class ShuttingDown extends ArgusException {
    private static final long serialVersionUID = 1L;

    public ShuttingDown() {
      super("server is shutting down", null);
    }

    @Override
    public String errorType() {
      return "shutting_down";
    }
  }

  /** The request's deadline passed before it was answered. */
  public static final class DeadlineExceeded extends ArgusException {
    private static final long serialVersionUID = 1L;

    public DeadlineExceeded(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "timeout";
    }
  }

  /** The runtime failed while running the model. */
  public static final class InferenceFailed extends ArgusException {
    private static final long serialVersionUID = 1L;

    public InferenceFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public String errorType() {
      return "inference_failed";
    }
  }
}
