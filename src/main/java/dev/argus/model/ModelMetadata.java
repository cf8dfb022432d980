package dev.argus.model;

import java.util.List;
import java.util.Optional;

/** The inputs and outputs a loaded model declares. */
public record ModelMetadata(List<TensorSpec> inputs, List<TensorSpec> outputs) {
  public ModelMetadata {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Optional<TensorSpec> output(String name) {
    return outputs.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
