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
  final AtomicLong workerRestarts = new AtomicLong();

  /** Batches by size (index = requests in the batch), capped at the largest size allowed. */
  final AtomicLongArray batchSizes;

  /** By batch size: joining the rows' inputs, the model call, cutting the outputs apart. */
  final AtomicLongArray inputNanos;

  final AtomicLongArray inferNanos;
  final AtomicLongArray outputNanos;

  BatchCounters(int maxBatchSize) {
    this.batchSizes = new AtomicLongArray(maxBatchSize + 1);
    this.inputNanos = new AtomicLongArray(maxBatchSize + 1);
    this.inferNanos = new AtomicLongArray(maxBatchSize + 1);
    this.outputNanos = new AtomicLongArray(maxBatchSize + 1);
  }

  /** A batch of {@code size} requests ran, taking these times. */
  void batchOf(int size, long input, long infer, long output) {
    int i = Math.min(size, batchSizes.length() - 1);
    batchSizes.incrementAndGet(i);
    inputNanos.addAndGet(i, input);
    inferNanos.addAndGet(i, infer);
    outputNanos.addAndGet(i, output);
  }

  BatchStats snapshot(int depth, int capacity) {
    long[] sizes = copy(batchSizes);
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
        copy(inputNanos),
        copy(inferNanos),
        copy(outputNanos),
        workerRestarts.get(),
        depth,
        capacity);
  }

  private static long[] copy(AtomicLongArray a) {
    long[] out = new long[a.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i);
    }
    return out;
  }
}
