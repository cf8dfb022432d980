package dev.argus.batching;

/** The batcher refused a request at the door: its queue is full, or it is closed. */
public final class BatchRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean queueFull;
  private final int capacity;

  BatchRejectedException(String message, boolean queueFull, int capacity) {
    super(message, null, false, false);
    this.queueFull = queueFull;
    this.capacity = capacity;
  }

  /** True for a full queue (retry later), false for a closed batcher (shutting down). */
  public boolean queueFull() {
    return queueFull;
  }

  public int capacity() {
    return capacity;
  }
}
