package dev.argus.batching;

/** A request's deadline passed while it waited in the queue; it never reached the model. */
public final class DeadlineExpiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeadlineExpiredException(String message) {
    super(message, null, false, false);
  }
}
