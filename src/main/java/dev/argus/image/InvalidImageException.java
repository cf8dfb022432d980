package dev.argus.image;

/** The bytes are not an image Argus can use; the message says why. */
public final class InvalidImageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidImageException(String message) {
    super(message);
  }

  public InvalidImageException(String message, Throwable cause) {
    super(message, cause);
  }
}
