package dev.argus.model;

import java.nio.file.Path;

/** Loads model files into runnable {@link Model}s. */
public interface ModelRuntime {
  /**
   * Loads {@code file}.
   *
   * @throws ModelLoadException when the file cannot be read or is not a valid model
   */
  Model load(Path file, RuntimeOptions options);

  /** The runtime's name and version, e.g. {@code onnxruntime 1.23.2}. */
  String version();

  /** Threading choices for one model session. */
  record RuntimeOptions(int intraOpThreads, boolean allowSpinning) {
    public RuntimeOptions {
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException(
            "intraOpThreads: " + intraOpThreads + " (expected: >= 0, 0 for the runtime's default)");
      }
    }
  }
}
