package dev.argus.service;

/** How long each phase of one request took, in nanoseconds; 0 for a phase that did not run. */
public record PhaseTimings(
    long decodeNanos,
    long preprocessNanos,
    long queueNanos,
    long computeNanos,
    long postprocessNanos) {

  /** Server-side time of all phases, from the start of decoding to the end of postprocessing. */
  public long totalNanos() {
    return decodeNanos + preprocessNanos + queueNanos + computeNanos + postprocessNanos;
  }
}
