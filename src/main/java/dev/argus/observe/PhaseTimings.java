package dev.argus.observe;

/**
 * How long each phase of one request took, in nanoseconds (0 for a phase that did not run), and
 * when the first began ({@link System#nanoTime()} clock), so the phases can be drawn back to back.
 */
public record PhaseTimings(
    long startNanos,
    long decodeNanos,
    long preprocessNanos,
    long queueNanos,
    long computeNanos,
    long postprocessNanos) {

  /** Server-side time of all phases, from the start of decoding to the end of postprocessing. */
  public long totalNanos() {
    return decodeNanos + preprocessNanos + queueNanos + computeNanos + postprocessNanos;
  }

  /** The duration of {@code phase}. */
  public long nanos(Phase phase) {
    return switch (phase) {
      case DECODE -> decodeNanos;
      case PREPROCESS -> preprocessNanos;
      case QUEUE -> queueNanos;
      case COMPUTE -> computeNanos;
      case POSTPROCESS -> postprocessNanos;
    };
  }
}
