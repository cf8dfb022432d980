package dev.argus.batching;

/**
 * What one model's batcher has done since it started: requests completed, failed (the runtime
 * threw), rejected (queue full or closed), expired (deadline passed while queued) and cancelled
 * (the caller gave up while queued); total queue and compute time; batches by size (index = size)
 * with, per size, the time spent joining inputs, in the model call and cutting outputs apart; and
 * how often a worker was replaced.
 */
public record BatchStats(
    long batches,
    long failedBatches,
    long completedRequests,
    long failedRequests,
    long rejectedRequests,
    long expiredRequests,
    long cancelledRequests,
    long queueNanos,
    long computeNanos,
    long[] batchSizeCounts,
    long[] batchSizeInputNanos,
    long[] batchSizeInferNanos,
    long[] batchSizeOutputNanos,
    long workerRestarts,
    int queueDepth,
    int queueCapacity) {
  /** A model without a batcher (not loaded): nothing done, no queue. */
  public static final BatchStats NONE =
      new BatchStats(
          0, 0, 0, 0, 0, 0, 0, 0, 0, new long[0], new long[0], new long[0], new long[0], 0, 0, 0);
}
