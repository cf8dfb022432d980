package dev.argus.model;

import dev.argus.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * Runs one batch given as its requests' inputs, each request's rows after the previous one's
   * along the first dimension ({@code totalRows} in all; every part has the same input names, types
   * and dimensions past the first). The default joins them into new arrays and calls {@link #run};
   * a backend that copies inputs into memory of its own anyway writes each part there once instead.
   */
  default Map<String, Tensor> runRows(List<Map<String, Tensor>> parts, int totalRows) {
    if (parts.size() == 1) {
      return run(parts.get(0));
    }
    Map<String, Tensor> joined = new LinkedHashMap<>();
    for (String name : parts.get(0).keySet()) {
      List<Tensor> column = new ArrayList<>(parts.size());
      for (Map<String, Tensor> part : parts) {
        column.add(part.get(name));
      }
      joined.put(name, Tensor.joinRows(column, totalRows));
    }
    return run(joined);
  }

  /** Releases native resources; the model must not be used afterwards. */
  @Override
  void close();
}
