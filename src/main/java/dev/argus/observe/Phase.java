package dev.argus.observe;

import java.util.Locale;

/** The phases of an inference request, in the order they run. */
public enum Phase {
  /** The request body into inputs: an image decoded, or a protocol body parsed into tensors. */
  DECODE,
  /** Inputs into the model's tensors: resize, crop, normalise; or checks against the metadata. */
  PREPROCESS,
  /** Waiting in the model's batch queue until the batch started. */
  QUEUE,
  /** The model call of the request's batch. */
  COMPUTE,
  /** Outputs into the answer: softmax, top-k, labels, selected outputs. */
  POSTPROCESS;

  private final String label = name().toLowerCase(Locale.ROOT);
  private final String fieldName = label + "_ms";

  /** The name in metrics, spans, log fields and {@code Server-Timing}: {@code decode}, ... */
  public String label() {
    return label;
  }

  /** The canonical line's field of this phase's time: {@code decode_ms}, ... */
  public String fieldName() {
    return fieldName;
  }
}
