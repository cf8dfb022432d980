package dev.argus.model;

/**
 * A model could not be loaded; the message says why in words an operator can act on, and {@link
 * #version()} which version failed (empty when the failure came before a version was found).
 */
public final class ModelLoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String version;

  public ModelLoadException(String message, Throwable cause) {
    this(message, cause, "");
  }

  public ModelLoadException(String message) {
    this(message, null, "");
  }

  private ModelLoadException(String message, Throwable cause, String version) {
    super(message, cause);
    this.version = version;
  }

  /** The version that failed, or empty. */
  public String version() {
    return version;
  }

  /** This failure, attributed to {@code version}. */
  ModelLoadException forVersion(String version) {
    return this.version.equals(version)
        ? this
        : new ModelLoadException(getMessage(), getCause(), version);
  }
}
