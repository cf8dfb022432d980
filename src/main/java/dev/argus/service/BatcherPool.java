package dev.argus.service;

import dev.argus.batching.BatchSettings;
import dev.argus.batching.DynamicBatcher;
import dev.argus.batching.Ticker;
import dev.argus.config.BatchingConfig;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelRegistry;
import dev.argus.model.TensorSpec;
import dev.argus.observe.InferenceObserver;
import dev.argus.observe.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One {@link DynamicBatcher} per loaded model, created when the model becomes ready and closed
 * (drained) before its session closes.
 */
public final class BatcherPool implements ModelRegistry.Listener, AutoCloseable {
  private record Entry(LoadedModel model, DynamicBatcher batcher) {}

  private final ConcurrentMap<String, Entry> batchers = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final Duration grace;

  public BatcherPool(Ticker ticker, InferenceObserver observer, Duration grace) {
    this.ticker = ticker;
    this.observer = observer;
    this.grace = grace;
  }

  Ticker ticker() {
    return ticker;
  }

  /** The batcher of this loaded model, created on first use. */
  DynamicBatcher batcherFor(LoadedModel model) {
    // Every request comes here: read without locking; create or replace only on a miss.
    Entry known = batchers.get(model.name());
    if (known != null && known.model() == model) {
      return known.batcher();
    }
    List<DynamicBatcher> stale = new ArrayList<>(1);
    Entry entry =
        batchers.compute(
            model.name(),
            (name, current) -> {
              if (current != null && current.model() == model) {
                return current;
              }
              if (current != null) {
                stale.add(current.batcher());
              }
              return new Entry(model, newBatcher(model));
            });
    stale.forEach(b -> b.close(grace));
    return entry.batcher();
  }

  /** Settings a model's batcher runs with: batching only when its first dimension is dynamic. */
  static BatchSettings settingsFor(LoadedModel model) {
    BatchingConfig b = model.batching();
    boolean batchable =
        model.model().metadata().inputs().stream()
            .map(TensorSpec::shape)
            .allMatch(s -> s.rank() > 0 && s.dim(0) == -1);
    return new BatchSettings(
        batchable ? b.maxBatchSize() : 1, b.maxQueueDelay(), b.queueCapacity(), b.instances());
  }

  private DynamicBatcher newBatcher(LoadedModel model) {
    return new DynamicBatcher(
        model.name(), model.version(), model.model(), settingsFor(model), ticker, observer);
  }

  /** Depth and capacity of every model's queue now, for the queue gauges. */
  public List<Metrics.QueueReading> queueReadings() {
    List<Metrics.QueueReading> readings = new ArrayList<>();
    for (Entry e : batchers.values()) {
      readings.add(
          new Metrics.QueueReading(
              e.model().name(),
              e.model().version(),
              e.batcher().queueDepth(),
              e.batcher().settings().queueCapacity()));
    }
    return readings;
  }

  /** The batcher's counters, if the model has one. */
  public Optional<DynamicBatcher.Stats> stats(String model) {
    return Optional.ofNullable(batchers.get(model)).map(e -> e.batcher().stats());
  }

  @Override
  public void loaded(LoadedModel model, Duration loadTime, Duration warmupTime) {
    batcherFor(model);
  }

  @Override
  public void unloaded(String name, String version) {
    remove(name);
  }

  @Override
  public void failed(String name, String version, String reason) {
    remove(name);
  }

  private void remove(String name) {
    Entry e = batchers.remove(name);
    if (e != null) {
      e.batcher().close(grace);
    }
  }

  /** Runs what is queued, waiting up to the grace period, and stops every worker. */
  @Override
  public void close() {
    List<Entry> all = new ArrayList<>(batchers.values());
    batchers.clear();
    all.forEach(e -> e.batcher().close(grace));
  }
}
