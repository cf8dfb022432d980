package dev.argus.service;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reuses the float arrays image tensors are preprocessed into. A 224x224 image tensor is 588 KiB:
 * more than half of one of G1's 1 MiB regions at the shipped 512 MiB heap, so each one was a
 * humongous allocation straight into the old generation, and each few hundred of them started a
 * collection ("G1 Humongous Allocation"): 88% of the bytes the photo path allocated. An array is
 * given back only once its request has its answer, when the batch worker has long copied it into
 * the model's input memory and nothing reads it any more; a request that fails or times out keeps
 * its array (the worker may still read it) and leaves it to the collector. At most {@code
 * perLength} arrays of each length are kept; most recently returned first, so it is warm in cache.
 */
final class FloatArrayPool {
  private final int perLength;
  private final ConcurrentHashMap<Integer, Free> free = new ConcurrentHashMap<>();

  private static final class Free {
    final ConcurrentLinkedDeque<float[]> arrays = new ConcurrentLinkedDeque<>();
    final AtomicInteger size = new AtomicInteger();
  }

  FloatArrayPool(int perLength) {
    this.perLength = perLength;
  }

  /** An array of {@code length} floats with any content: the caller overwrites all of it. */
  float[] take(int length) {
    Free f = free.get(length);
    if (f != null) {
      float[] a = f.arrays.pollFirst();
      if (a != null) {
        f.size.decrementAndGet();
        return a;
      }
    }
    return new float[length];
  }

  /** Gives {@code array} back; the caller must not touch it afterwards. */
  void give(float[] array) {
    Free f = free.computeIfAbsent(array.length, n -> new Free());
    if (f.size.incrementAndGet() <= perLength) {
      f.arrays.offerFirst(array);
    } else {
      f.size.decrementAndGet(); // enough of this length kept: the collector has it
    }
  }

  /** Arrays of {@code length} kept now. */
  int kept(int length) {
    Free f = free.get(length);
    return f == null ? 0 : f.size.get();
  }
}
