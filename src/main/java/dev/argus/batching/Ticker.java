package dev.argus.batching;

/** A monotonic nanosecond clock; tests use a fake one to form batches without sleeping. */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanoTime();
}
