package dev.argus.batching;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** What one batcher has done since it started, updated by its queue and workers. */
final class BatchCounters {
  final AtomicLong batches = new AtomicLong();
  final AtomicLong failedBatches = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong expired = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();
  final AtomicLong queueNanos = new AtomicLong();
  final AtomicLong computeNanos = new AtomicLong();

  /** Batches by size (index = requests in the batch), capped at the largest size allowed. */
  final AtomicLongArray batchSizes;

  BatchCounters(int maxBatchSize) {
    this.batchSizes = new AtomicLongArray(maxBatchSize + 1);
  }

  void batchOf(int size) {
    batchSizes.incrementAndGet(Math.min(size, batchSizes.length() - 1));
  }

  BatchStats snapshot(int depth, int capacity) {
    long[] sizes = new long[batchSizes.length()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = batchSizes.get(i);
    }
    return new BatchStats(
        batches.get(),
        failedBatches.get(),
        completed.get(),
        failed.get(),
        rejected.get(),
        expired.get(),
        cancelled.get(),
        queueNanos.get(),
        computeNanos.get(),
        sizes,
        depth,
        capacity);
  }
}
