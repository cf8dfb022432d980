package dev.argus.config;

import java.time.Duration;

/**
 * Dynamic batching and runtime threading for a model: the {@code batching} section of {@code
 * argus.yaml} (defaults for every model) and of {@code model.yaml} (overrides; absent keys are null
 * there and fall back to the defaults).
 */
public record BatchingConfig(
    Integer maxBatchSize,
    Duration maxQueueDelay,
    Integer queueCapacity,
    Integer instances,
    Integer intraOpThreads,
    Boolean allowSpinning) {
  public BatchingConfig {
    Check.that(
        maxBatchSize == null || (maxBatchSize >= 1 && maxBatchSize <= 1024),
        "max_batch_size",
        maxBatchSize,
        "1..1024, 1 turns batching off");
    Check.that(
        maxQueueDelay == null
            || (!maxQueueDelay.isNegative() && maxQueueDelay.compareTo(Duration.ofSeconds(1)) <= 0),
        "max_queue_delay",
        maxQueueDelay == null ? null : Durations.format(maxQueueDelay),
        "0us..1s");
    Check.that(
        queueCapacity == null || (queueCapacity >= 1 && queueCapacity <= 100_000),
        "queue_capacity",
        queueCapacity,
        "1..100000");
    Check.that(
        instances == null || (instances >= 0 && instances <= 64),
        "instances",
        instances,
        "0..64, 0 for one per core up to " + AUTO_INSTANCES_MAX);
    Check.that(
        intraOpThreads == null || (intraOpThreads >= 0 && intraOpThreads <= 256),
        "intra_op_threads",
        intraOpThreads,
        "0..256, 0 for cores / instances");
  }

  /**
   * The most workers {@code instances: 0} gives a model: one per core up to this many, then more
   * intra-op threads each. On a CPU, one-thread calls side by side use the cores best for small
   * models (on 2 cores, 2 x 1 beats 1 x 2; docs/performance.md); past a few, more workers mostly
   * add memory and queue contention while a request's own latency wants intra-op threads.
   */
  public static final int AUTO_INSTANCES_MAX = 4;

  /** Workers for this model: the setting, or one per core up to {@link #AUTO_INSTANCES_MAX}. */
  public int effectiveInstances(int cores) {
    if (instances != null && instances > 0) {
      return instances;
    }
    return Math.max(1, Math.min(cores, AUTO_INSTANCES_MAX));
  }

  /**
   * These settings with {@code instances} and {@code intra_op_threads} chosen for {@code cores}.
   */
  public BatchingConfig resolvedFor(int cores) {
    return new BatchingConfig(
        maxBatchSize,
        maxQueueDelay,
        queueCapacity,
        effectiveInstances(cores),
        effectiveIntraOpThreads(cores),
        allowSpinning);
  }

  /** These settings with each absent one taken from {@code defaults}. */
  public BatchingConfig withDefaults(BatchingConfig defaults) {
    return new BatchingConfig(
        maxBatchSize != null ? maxBatchSize : defaults.maxBatchSize,
        maxQueueDelay != null ? maxQueueDelay : defaults.maxQueueDelay,
        queueCapacity != null ? queueCapacity : defaults.queueCapacity,
        instances != null ? instances : defaults.instances,
        intraOpThreads != null ? intraOpThreads : defaults.intraOpThreads,
        allowSpinning != null ? allowSpinning : defaults.allowSpinning);
  }

  /** Intra-op threads to give ONNX Runtime: the setting, or the cores shared among instances. */
  public int effectiveIntraOpThreads(int cores) {
    if (intraOpThreads != null && intraOpThreads > 0) {
      return intraOpThreads;
    }
    return Math.max(1, cores / effectiveInstances(cores));
  }
}
