package dev.argus.service;

import dev.argus.batching.Expectation;
import dev.argus.observe.Phase;
import dev.argus.observe.PhaseTimings;

/**
 * Times the phases of one request as it moves through them: each {@link #next} ends the current
 * phase and starts another (time spent in a phase twice adds up, as for several images); the
 * batcher's own queue and compute figures replace the wait. Knows which phase a failure ended, and
 * carries the request's announcement to its model's batcher ({@link #expectation}) until it is
 * submitted.
 */
final class PhaseClock {
  private Expectation expectation = Expectation.NONE;
  private final long start;
  private final long[] nanos = new long[Phase.values().length];
  private Phase current;
  private long currentStart;

  /** A clock whose first phase, {@code first}, began at {@code startNanos}. */
  PhaseClock(long startNanos, Phase first) {
    this.start = startNanos;
    this.currentStart = startNanos;
    this.current = first;
  }

  /** The request is on its way to {@code expected}'s batcher from now until it is submitted. */
  void expecting(Expectation expected) {
    this.expectation = expected;
  }

  /** What submitting this request ends ({@link Expectation#NONE} when nothing was announced). */
  Expectation expectation() {
    return expectation;
  }

  /** Ends the current phase now and starts {@code phase}. */
  void next(Phase phase) {
    long now = System.nanoTime();
    nanos[current.ordinal()] += now - currentStart;
    current = phase;
    currentStart = now;
  }

  /**
   * The batch ran: its queue wait and compute, as the batcher measured them; postprocess starts.
   */
  void batched(long queueNanos, long computeNanos) {
    nanos[Phase.QUEUE.ordinal()] = queueNanos;
    nanos[Phase.COMPUTE.ordinal()] = computeNanos;
    current = Phase.POSTPROCESS;
    currentStart = System.nanoTime();
  }

  /** The phase running now: the one a failure ended. */
  Phase current() {
    return current;
  }

  /** Ends the current phase now; the times so far. */
  PhaseTimings stop() {
    long now = System.nanoTime();
    nanos[current.ordinal()] += now - currentStart;
    currentStart = now;
    return new PhaseTimings(
        start,
        nanos[Phase.DECODE.ordinal()],
        nanos[Phase.PREPROCESS.ordinal()],
        nanos[Phase.QUEUE.ordinal()],
        nanos[Phase.COMPUTE.ordinal()],
        nanos[Phase.POSTPROCESS.ordinal()]);
  }
}
