package dev.argus.service;

import dev.argus.batching.Ticker;
import java.time.Duration;

/**
 * When a request must be answered by, on the batcher's {@link Ticker} clock, and the timeout it
 * came from (for messages). Past it the answer is {@code timeout} (HTTP 504). Its client may call
 * it off sooner through {@code cancellation}.
 */
record Deadline(long atNanos, Duration timeout, Cancellation cancellation) {
  /** The deadline {@code timeout} from now. */
  static Deadline after(Ticker ticker, Duration timeout, Cancellation cancellation) {
    return new Deadline(ticker.nanoTime() + timeout.toNanos(), timeout, cancellation);
  }

  /** Nanoseconds left; zero or less once passed. */
  long remainingNanos(Ticker ticker) {
    return atNanos - ticker.nanoTime();
  }

  /** The failure of a request of {@code model} that ran past this deadline. */
  ArgusException.DeadlineExceeded exceeded(String model) {
    return new ArgusException.DeadlineExceeded(
        "model '"
            + model
            + "' did not answer within the request's deadline of "
            + timeout.toMillis()
            + " ms (server.request_timeout or X-Request-Timeout-Ms)");
  }

  /** The failure of a request of {@code model} that its client called off. */
  ArgusException.Cancelled cancelled(String model) {
    return new ArgusException.Cancelled(
        "the request for model '" + model + "' was cancelled by its client");
  }
}
