package dev.argus.service;

import dev.argus.batching.Ticker;
import dev.argus.service.ModelCatalogue.State;
import dev.argus.service.ModelCatalogue.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks a serving model {@link State#STALLED} when the oldest request in its queue has waited
 * longer than {@code models.stall_timeout} for a batch (its workers make no progress: a runtime
 * that hangs, a worker that cannot run), so readiness, the metrics and the alerts say so and new
 * requests are refused at once instead of queueing behind it. The model is ready again once a batch
 * has run since.
 */
final class StallWatch {
  private static final Logger log = LoggerFactory.getLogger(StallWatch.class);

  private final ModelCatalogue catalogue;
  private final Object lock;
  private final Ticker ticker;
  private final long timeoutNanos;
  private final ModelLifecycle.Listener listener;

  /** Batches run by each stalled model when it was marked; it recovers once that grows. */
  private final Map<String, Long> batchesWhenStalled = new HashMap<>();

  StallWatch(
      ModelCatalogue catalogue,
      Object lock,
      Ticker ticker,
      Duration timeout,
      ModelLifecycle.Listener listener) {
    this.catalogue = catalogue;
    this.lock = lock;
    this.ticker = ticker;
    this.timeoutNanos = timeout.toNanos();
    this.listener = listener;
  }

  void check() {
    for (Status s : catalogue.statuses()) {
      catalogue.entry(s.name()).ifPresent(e -> check(e));
    }
  }

  private void check(ModelCatalogue.Entry e) {
    ServingModel m = e.serving();
    if (m == null) {
      return;
    }
    State next = null;
    synchronized (lock) {
      // The entry may have changed since it was read; judge the one serving now.
      ModelCatalogue.Entry now = catalogue.entry(m.name()).orElse(null);
      if (now == null || now.serving() != m) {
        return;
      }
      State state = now.status().state();
      long waited = m.batcher().oldestWaitNanos(ticker.nanoTime());
      if (state == State.READY && waited > timeoutNanos) {
        batchesWhenStalled.put(m.name(), m.batcher().stats().batches());
        catalogue.put(
            m.name(),
            new Status(
                m.name(),
                m.version(),
                State.STALLED,
                "stalled: the oldest queued request has waited "
                    + waited / 1_000_000_000
                    + " s for a batch (models.stall_timeout)"),
            m);
        next = State.STALLED;
      } else if (state == State.STALLED
          && m.batcher().stats().batches() > batchesWhenStalled.getOrDefault(m.name(), 0L)) {
        batchesWhenStalled.remove(m.name());
        catalogue.put(m.name(), new Status(m.name(), m.version(), State.READY, ""), m);
        next = State.READY;
      }
    }
    if (next == State.STALLED) {
      log.error(
          "model {} version {} is stalled: no batch started for its queue", m.name(), m.version());
    } else if (next == State.READY) {
      log.warn("model {} version {} makes progress again", m.name(), m.version());
    }
    if (next != null) {
      listener.stateChanged(m.name(), m.version(), next);
    }
  }
}
