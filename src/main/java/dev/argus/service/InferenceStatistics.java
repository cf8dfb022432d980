package dev.argus.service;

import dev.argus.observe.PhaseTimings;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Triton's per-model request statistics, kept from the same outcomes the metrics count: how many
 * requests of each model version succeeded or failed and how long they took, split into queue,
 * compute input (decode and preprocess), compute infer and compute output (postprocess), plus the
 * requests refused, and when the last one was answered.
 */
public final class InferenceStatistics {
  /** A {count, ns} pair as Triton reports it. */
  public record Duration(long count, long ns) {}

  /** One model version's figures since it was loaded. */
  public record Snapshot(
      long lastInferenceMillis,
      Duration success,
      Duration fail,
      Duration queue,
      Duration computeInput,
      Duration computeInfer,
      Duration computeOutput,
      long rejected) {}

  private static final class Counters {
    final LongAdder successCount = new LongAdder();
    final LongAdder successNanos = new LongAdder();
    final LongAdder failCount = new LongAdder();
    final LongAdder failNanos = new LongAdder();
    final LongAdder queueNanos = new LongAdder();
    final LongAdder inputNanos = new LongAdder();
    final LongAdder inferNanos = new LongAdder();
    final LongAdder outputNanos = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final AtomicLong lastMillis = new AtomicLong();
  }

  private final Map<String, Counters> byModel = new ConcurrentHashMap<>();

  private Counters of(String model, String version) {
    return byModel.computeIfAbsent(model + '\u0000' + version, k -> new Counters());
  }

  void succeeded(String model, String version, PhaseTimings t) {
    Counters c = of(model, version);
    c.successCount.increment();
    c.successNanos.add(t.totalNanos());
    c.queueNanos.add(t.queueNanos());
    c.inputNanos.add(t.decodeNanos() + t.preprocessNanos());
    c.inferNanos.add(t.computeNanos());
    c.outputNanos.add(t.postprocessNanos());
    c.lastMillis.set(System.currentTimeMillis());
  }

  void failed(String model, String version, PhaseTimings t, boolean rejected) {
    Counters c = of(model, version);
    c.failCount.increment();
    c.failNanos.add(t.totalNanos());
    if (rejected) {
      c.rejected.increment();
    }
    c.lastMillis.set(System.currentTimeMillis());
  }

  /** The figures of a model version; all zero before its first request. */
  public Snapshot snapshot(String model, String version) {
    Counters c = byModel.get(model + '\u0000' + version);
    if (c == null) {
      Duration none = new Duration(0, 0);
      return new Snapshot(0, none, none, none, none, none, none, 0);
    }
    long successes = c.successCount.sum();
    return new Snapshot(
        c.lastMillis.get(),
        new Duration(successes, c.successNanos.sum()),
        new Duration(c.failCount.sum(), c.failNanos.sum()),
        new Duration(successes, c.queueNanos.sum()),
        new Duration(successes, c.inputNanos.sum()),
        new Duration(successes, c.inferNanos.sum()),
        new Duration(successes, c.outputNanos.sum()),
        c.rejected.sum());
  }
}
