package dev.argus.batching;

import java.time.Duration;

/**
 * How a model's requests are batched: run a batch when {@code maxBatchSize} requests of the same
 * shape wait, or when the oldest has waited {@code maxQueueDelay}; hold at most {@code
 * queueCapacity} requests; run {@code instances} batches at once.
 */
public record BatchSettings(
    int maxBatchSize, Duration maxQueueDelay, int queueCapacity, int instances) {
  public BatchSettings {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: >= 1)");
    }
    if (maxQueueDelay == null || maxQueueDelay.isNegative()) {
      throw new IllegalArgumentException("maxQueueDelay: " + maxQueueDelay + " (expected: >= 0)");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
    }
    if (instances < 1) {
      throw new IllegalArgumentException("instances: " + instances + " (expected: >= 1)");
    }
  }
}
