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
        instances == null || (instances >= 1 && instances <= 64), "instances", instances, "1..64");
    Check.that(
        intraOpThreads == null || (intraOpThreads >= 0 && intraOpThreads <= 256),
        "intra_op_threads",
        intraOpThreads,
        "0..256, 0 for cores / instances");
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
    return Math.max(1, cores / (instances == null ? 1 : instances));
  }
}
