package dev.argus.model;

/** The runtime failed to run a model (a bad graph, an unsupported input, out of memory). */
public final class ModelExecutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelExecutionException(String message, Throwable cause) {
    super(message, cause);
  }

  public ModelExecutionException(String message) {
    super(message);
  }
}
