package dev.argus.model;

import dev.argus.tensor.Tensor;
import java.util.Map;

/** A loaded model that runs inference. Implementations are safe for concurrent {@link #run}. */
public interface Model extends AutoCloseable {
  ModelMetadata metadata();

  /**
   * Runs the model once.
   *
   * @param inputs one tensor per declared input, by name
   * @return every declared output, by name
   * @throws ModelExecutionException when the runtime fails
   */
  Map<String, Tensor> run(Map<String, Tensor> inputs);

  /** Releases native resources; the model must not be used afterwards. */
  @Override
  void close();
}
