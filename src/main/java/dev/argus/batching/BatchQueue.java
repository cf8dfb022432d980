package dev.argus.batching;

import dev.argus.observe.InferenceObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue of one batcher and the rule for when a batch is due: when {@code
 * max_batch_size} rows of the same signature wait; when no other request is on its way to the queue
 * ({@link Expectation}: admitted, still decoding), since waiting could not fill the batch, so a
 * lone request runs at once; when the oldest has waited {@code max_queue_delay}; or at once when
 * closing. Requests whose deadline passed, or whose submitter gave up, are dropped before they are
 * taken. Every wait is bounded.
 */
final class BatchQueue {
  /** Longest a worker sleeps without re-checking the queue, whatever it waits for. */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String model;
  private final String version;
  private final BatchSettings settings;
  private final long maxDelayNanos;
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final BatchCounters counters;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean closed;
  private volatile int depth;

  /** Requests on their way (announced, not yet submitted); changed under the lock. */
  private int incoming;

  BatchQueue(
      String model,
      String version,
      BatchSettings settings,
      Ticker ticker,
      InferenceObserver observer,
      BatchCounters counters) {
    this.model = model;
    this.version = version;
    this.settings = settings;
    this.maxDelayNanos = settings.maxQueueDelay().toNanos();
    this.ticker = ticker;
    this.observer = observer;
    this.counters = counters;
  }

  /** Announces a request on its way to this queue. */
  Expectation expect() {
    lock.lock();
    try {
      incoming++;
    } finally {
      lock.unlock();
    }
    return new Expectation(this);
  }

  /** An announced request ended without joining the queue; wakes a worker waiting for it. */
  void arrived(boolean signal) {
    lock.lock();
    try {
      incoming--;
      if (signal && incoming == 0) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Requests announced and not yet submitted. */
  int incoming() {
    lock.lock();
    try {
      return incoming;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues all of {@code pending} at once, so they can share a batch, and ends {@code expected}.
   *
   * @throws BatchRejectedException when there is no room for all of them or the queue is closed
   *     (none is queued; the expectation still ends)
   */
  void offerAll(List<Pending> pending, Expectation expected) {
    lock.lock();
    try {
      if (expected.endQuietly()) {
        incoming--;
      }
      if (closed) {
        counters.rejected.incrementAndGet();
        observer.rejected(model, version, "closed");
        changed.signalAll();
        throw new BatchRejectedException(
            "model '" + model + "' is shutting down", false, settings.queueCapacity());
      }
      if (queue.size() + pending.size() > settings.queueCapacity()) {
        counters.rejected.incrementAndGet();
        observer.rejected(model, version, "queue_full");
        changed.signalAll();
        throw new BatchRejectedException(
            "model '" + model + "' queue of " + settings.queueCapacity() + " is full",
            true,
            settings.queueCapacity());
      }
      queue.addAll(pending);
      depth = queue.size();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues {@code pending}.
   *
   * @throws BatchRejectedException when the queue is full or closed
   */
  void offer(Pending pending) {
    lock.lock();
    try {
      if (closed) {
        counters.rejected.incrementAndGet();
        observer.rejected(model, version, "closed");
        throw new BatchRejectedException(
            "model '" + model + "' is shutting down", false, settings.queueCapacity());
      }
      if (queue.size() >= settings.queueCapacity()) {
        counters.rejected.incrementAndGet();
        observer.rejected(model, version, "queue_full");
        throw new BatchRejectedException(
            "model '" + model + "' queue of " + settings.queueCapacity() + " is full",
            true,
            settings.queueCapacity());
      }
      queue.addLast(pending);
      depth = queue.size();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Requests waiting now. */
  int depth() {
    return depth;
  }

  /** How long the oldest request still wanted has waited at {@code now}; 0 when none waits. */
  long oldestWaitNanos(long now) {
    lock.lock();
    try {
      for (Pending p : queue) {
        if (!p.abandoned()) {
          return now - p.enqueuedAt;
        }
      }
      return 0;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes waiting workers to re-check the queue (after a fake ticker moved, in tests). */
  void wake() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Takes no new requests from now on; workers run what is queued, then stop. */
  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Empties the queue and returns what was left in it (after the workers gave up draining). */
  List<Pending> drain() {
    lock.lock();
    try {
      List<Pending> left = new ArrayList<>(queue);
      queue.clear();
      depth = 0;
      return left;
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the next batch to be due; null once closed and drained. */
  List<Pending> next() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        long now = ticker.nanoTime();
        dropDead(now);
        if (queue.isEmpty()) {
          if (closed) {
            return null;
          }
          changed.awaitNanos(MAX_WAIT_NANOS);
          continue;
        }
        Pending head = queue.peekFirst();
        long waited = now - head.enqueuedAt;
        if (closed
            || incoming == 0
            || waited >= maxDelayNanos
            || matchingRows(head) >= settings.maxBatchSize()) {
          List<Pending> batch = take(head);
          depth = queue.size();
          return batch;
        }
        changed.awaitNanos(Math.min(maxDelayNanos - waited, MAX_WAIT_NANOS));
      }
    } finally {
      lock.unlock();
    }
  }

  /** Drops requests whose deadline passed (failing them) and those their submitter abandoned. */
  private void dropDead(long now) {
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p.abandoned()) {
        it.remove();
        counters.cancelled.incrementAndGet();
      } else if (now >= p.deadline) {
        it.remove();
        long waited = now - p.enqueuedAt;
        counters.expired.incrementAndGet();
        observer.expired(model, version, waited);
        p.result.completeExceptionally(
            new DeadlineExpiredException(
                "deadline passed after "
                    + TimeUnit.NANOSECONDS.toMillis(waited)
                    + " ms in model '"
                    + model
                    + "' queue; the request was not run"));
      }
    }
    depth = queue.size();
  }

  private int matchingRows(Pending head) {
    int rows = 0;
    for (Pending p : queue) {
      if (p.signature.equals(head.signature)) {
        rows += p.rows;
        if (rows >= settings.maxBatchSize()) {
          break;
        }
      }
    }
    return rows;
  }

  /** Removes the head and the requests that fit with it, oldest first. */
  private List<Pending> take(Pending head) {
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p == head
          || (p.signature.equals(head.signature) && rows + p.rows <= settings.maxBatchSize())) {
        it.remove();
        batch.add(p);
        rows += p.rows;
        if (rows >= settings.maxBatchSize()) {
          break;
        }
      }
    }
    return batch;
  }
}
