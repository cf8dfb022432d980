package dev.argus.service;

import java.time.Duration;

/**
 * Every way an inference can fail, whatever the protocol. Each transport maps each kind to its
 * status in one exhaustive {@code switch}; {@link #errorType()} is the stable name clients, metrics
 * and logs see. Failures of the protocol itself (a missing token, an oversized body) are the
 * transport's own ({@code dev.argus.transport.edge.EdgeException}).
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

  /** No model (or version) of that name. */
  public static final class NotFound extends ArgusException {
    private static final long serialVersionUID = 1L;

    private NotFound(String message) {
      super(message, null);
    }

    /** Worded like Triton's message, so people searching for it find the familiar text. */
    public static NotFound model(String name) {
      return new NotFound("Request for unknown model: '" + name + "' is not found");
    }

    /** A model that was unloaded through the repository API. */
    public static NotFound unloaded(String name) {
      return new NotFound(
          "Request for unknown model: '"
              + name
              + "' is unloaded (load it with POST"
              + " /v2/repository/models/"
              + name
              + "/load)");
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
              + ")");
    }

    @Override
    public String errorType() {
      return "unknown_model";
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

  /**
   * The server is overloaded and refused the request before doing its work: {@link #limit()} says
   * which limit was hit; the client should retry after {@link #retryAfter()}.
   */
  public static final class QueueFull extends ArgusException {
    private static final long serialVersionUID = 1L;

    /** The limits that shed load, the {@code reason} label of {@code inference_rejected_total}. */
    public enum Limit {
      /** {@code limits.max_concurrent_predictions}. */
      ADMISSION,
      /** The model's {@code queue_capacity}. */
      QUEUE,
      /** {@code limits.max_decoded_bytes}, or the heap itself ran out. */
      MEMORY;

      public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
      }
    }

    private final Limit limit;
    private final transient Duration retryAfter;

    public QueueFull(Limit limit, String message, Duration retryAfter) {
      super(message, null);
      this.limit = limit;
      this.retryAfter = retryAfter;
    }

    /** The model's batch queue is full. */
    public static QueueFull forQueue(String name, int capacity, Duration retryAfter) {
      return new QueueFull(
          Limit.QUEUE,
          "model '" + name + "' is overloaded: its queue of " + capacity + " is full",
          retryAfter);
    }

    public Limit limit() {
      return limit;
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

  /** The client called the request off (a cancelled gRPC call); what it queued was dropped. */
  public static final class Cancelled extends ArgusException {
    private static final long serialVersionUID = 1L;

    public Cancelled(String message) {
      super(message, null);
    }

    @Override
    public String errorType() {
      return "cancelled";
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
