package dev.argus.batching;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request on its way to a batcher's queue: admitted for the model, still being decoded or
 * preprocessed. While any is on its way, a worker may wait up to {@code max_queue_delay} for it to
 * fill a batch; while none is, waiting cannot fill one and a worker runs what is queued at once.
 * Ends once: when its inputs are submitted ({@link DynamicBatcher#submitAll}) or when it is closed
 * (the request failed or gave up before).
 */
public final class Expectation implements AutoCloseable {
  /** No request announced: submitting with it changes nothing. */
  public static final Expectation NONE = new Expectation(null);

  private final BatchQueue queue;
  private final AtomicBoolean ended = new AtomicBoolean();

  Expectation(BatchQueue queue) {
    this.queue = queue;
  }

  /** Ends it under the queue's lock, as its inputs join the queue; false if it had ended. */
  boolean endQuietly() {
    return queue != null && ended.compareAndSet(false, true);
  }

  /** Ends it without a submission; a waiting worker re-checks whether to run now. */
  @Override
  public void close() {
    if (queue != null && ended.compareAndSet(false, true)) {
      queue.arrived(true);
    }
  }
}
