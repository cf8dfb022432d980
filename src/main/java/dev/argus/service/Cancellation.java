package dev.argus.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

/**
 * How a transport calls off a request whose client gave up (a cancelled gRPC call): from {@link
 * #cancel()} on, the request's rows still queued are dropped before compute (the batcher skips
 * cancelled futures) and the request ends as {@link ArgusException.Cancelled}, recorded once with
 * the outcome {@code cancelled}. Thread-safe: the transport cancels from its own thread while the
 * request waits on another.
 */
public final class Cancellation {
  /** For requests no client can call off (HTTP does not see a client go away). */
  public static final Cancellation NONE = new Cancellation(false);

  private final boolean cancellable;
  private final Object lock = new Object();
  private final List<Future<?>> watched = new ArrayList<>();
  private boolean cancelled;

  private Cancellation(boolean cancellable) {
    this.cancellable = cancellable;
  }

  /** A cancellation for one request, not cancelled yet. */
  public static Cancellation create() {
    return new Cancellation(true);
  }

  /** Calls the request off: what it has queued is cancelled, and so is what it queues later. */
  public void cancel() {
    List<Future<?>> toCancel;
    synchronized (lock) {
      if (!cancellable || cancelled) {
        return;
      }
      cancelled = true;
      toCancel = List.copyOf(watched);
      watched.clear();
    }
    toCancel.forEach(f -> f.cancel(false));
  }

  public boolean isCancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  /** Cancels {@code queued} when the request is called off (at once if it already was). */
  void watch(Future<?> queued) {
    if (!cancellable) {
      return;
    }
    synchronized (lock) {
      if (!cancelled) {
        watched.add(queued);
        return;
      }
    }
    queued.cancel(false);
  }
}
