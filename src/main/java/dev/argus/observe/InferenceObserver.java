package dev.argus.observe;

import java.util.List;

/**
 * Told about each request and batch as the batcher handles them, so metrics, spans and logs are fed
 * from one place. Methods are called on the batch worker and must be cheap and never throw.
 */
public interface InferenceObserver {
  InferenceObserver NONE = new InferenceObserver() {};

  /** A request left the queue for a batch after waiting {@code queueNanos}. */
  default void dequeued(String model, String version, long queueNanos) {}

  /** A request was refused at the door: {@code reason} is {@code queue_full} or {@code closed}. */
  default void rejected(String model, String version, String reason) {}

  /** A request's deadline passed while it was queued; it was dropped before compute. */
  default void expired(String model, String version, long queueNanos) {}

  /**
   * One batch ran, from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()} clock),
   * with {@code size} requests; {@code failed} when the runtime threw.
   */
  default void batchExecuted(
      String model, String version, int size, long startNanos, long endNanos, boolean failed) {}

  /** A batch worker of the model died outside any batch and was replaced. */
  default void workerRestarted(String model, String version) {}

  /**
   * Called on the submitting thread as a request is queued. What it returns (the request's trace
   * context) travels with the request and comes back in {@link #batchStarted}.
   */
  default Object requestContext() {
    return null;
  }

  /**
   * A batch is about to run on this worker thread, holding the requests whose {@link
   * #requestContext()}s are given, in order. The scope stays current on the worker until ended.
   * {@code batching} is whether the model batches at all ({@code max_batch_size} above 1): a model
   * that does not runs every request as a call of its own, which needs no batch span.
   */
  default BatchScope batchStarted(
      String model, String version, List<Object> requestContexts, boolean batching) {
    return BatchScope.NONE;
  }

  /** The span and log context of one running batch. */
  @FunctionalInterface
  interface BatchScope {
    BatchScope NONE = failure -> {};

    /** The batch finished; {@code failure} is what the runtime threw, or null. */
    void end(Throwable failure);
  }
}
