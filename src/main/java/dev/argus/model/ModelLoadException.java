package dev.argus.model;

import java.util.Locale;

/**
 * A model could not be loaded; the message says why in words an operator can act on, {@link
 * #reason()} which kind of problem it is, and {@link #version()} which version failed (empty when
 * the failure came before a version was found).
 */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kinds of load failure, a bounded label for metrics. */
  public enum Reason {
    /** {@code model.yaml} is missing a required value or has a wrong one. */
    CONFIG,
    /** A file is missing or unreadable: model.yaml, the version folder, model.onnx, labels. */
    FILES,
    /** The runtime could not create a session from the model file. */
    RUNTIME,
    /** The session was created, but the warm-up inference failed. */
    WARMUP;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String version;

  public ModelLoadException(Reason reason, String message, Throwable cause) {
    this(reason, message, cause, "");
  }

  public ModelLoadException(Reason reason, String message) {
    this(reason, message, null, "");
  }

  private ModelLoadException(Reason reason, String message, Throwable cause, String version) {
    super(message, cause);
    this.reason = reason;
    this.version = version;
  }

  public Reason reason() {
    return reason;
  }

  /** The version that failed, or empty. */
  public String version() {
    return version;
  }

  /** This failure, attributed to {@code version}. */
  ModelLoadException forVersion(String version) {
    return this.version.equals(version)
        ? this
        : new ModelLoadException(reason, getMessage(), getCause(), version);
  }
}
