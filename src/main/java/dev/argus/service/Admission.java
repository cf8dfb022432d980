package dev.argus.service;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * At most {@code limits.max_concurrent_predictions} predictions between admission and answer, so
 * the work before a model's queue (decoding, preprocessing) is bounded too and overload is refused
 * at once instead of piling up.
 */
final class Admission {
  /** What a client told "overloaded" should wait before retrying. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final Semaphore permits;
  private final int limit;

  Admission(int maxConcurrentPredictions) {
    if (maxConcurrentPredictions < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentPredictions: " + maxConcurrentPredictions + " (expected: >= 1)");
    }
    this.limit = maxConcurrentPredictions;
    this.permits = new Semaphore(maxConcurrentPredictions);
  }

  /** True while every place is taken: a request arriving now would be refused. */
  boolean saturated() {
    return permits.availablePermits() == 0;
  }

  /** What a request refused for want of a place is told. */
  ArgusException.QueueFull refusal() {
    return new ArgusException.QueueFull(
        ArgusException.QueueFull.Limit.ADMISSION,
        "server is overloaded: "
            + limit
            + " predictions are in progress (limits.max_concurrent_predictions)",
        RETRY_AFTER);
  }

  /** A place among the predictions in progress; closing it more than once releases it once. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a place, or refuses at once.
   *
   * @throws ArgusException.QueueFull when every place is taken
   */
  Permit admit() {
    if (!permits.tryAcquire()) {
      throw refusal();
    }
    return new Permit() {
      private boolean released;

      @Override
      public void close() {
        if (!released) {
          released = true;
          permits.release();
        }
      }
    };
  }
}
