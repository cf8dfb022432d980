package dev.argus.service;

import dev.argus.batching.DynamicBatcher;
import dev.argus.model.LoadedModel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded model and the batcher its requests go through, published together when ready. Requests
 * hold it from the moment they resolve their model until they are answered ({@link #tryAcquire},
 * {@link #release}), so a model replaced by a reload or unloaded is retired only once the requests
 * that already chose it have finished: none of them is refused because its model moved on.
 */
public final class ServingModel {
  private final LoadedModel model;
  private final DynamicBatcher batcher;
  private final AtomicInteger users = new AtomicInteger();
  private volatile boolean retired;

  public ServingModel(LoadedModel model, DynamicBatcher batcher) {
    this.model = model;
    this.batcher = batcher;
  }

  public LoadedModel model() {
    return model;
  }

  public DynamicBatcher batcher() {
    return batcher;
  }

  public String name() {
    return model.name();
  }

  public String version() {
    return model.version();
  }

  /** Takes a use of this model for one request; false once it is retired (look it up again). */
  boolean tryAcquire() {
    users.incrementAndGet();
    if (retired) {
      release();
      return false;
    }
    return true;
  }

  void release() {
    users.decrementAndGet();
  }

  /**
   * Takes no new requests from now on and waits, at most {@code grace}, for those holding it to
   * finish; true when they all did.
   */
  boolean retire(Duration grace) {
    retired = true;
    long deadline = System.nanoTime() + grace.toNanos();
    while (users.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return users.get() == 0;
  }
}
