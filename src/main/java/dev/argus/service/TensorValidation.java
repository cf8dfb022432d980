package dev.argus.service;

import dev.argus.model.LoadedModel;
import dev.argus.model.ModelMetadata;
import dev.argus.model.TensorSpec;
import dev.argus.tensor.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks a tensor request against what the model declares, before it reaches the queue. */
final class TensorValidation {
  private TensorValidation() {}

  /**
   * @throws ArgusException.InvalidInput naming the input or output that does not fit
   */
  static void check(LoadedModel model, Map<String, Tensor> inputs, List<String> outputs) {
    ModelMetadata meta = model.model().metadata();
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      TensorSpec spec =
          meta.input(e.getKey())
              .orElseThrow(() ->
                  new ArgusException.InvalidInput(
                      "unknown input '"
                          + e.getKey()
                          + "' for model '"
                          + model.name()
                          + "' (expected: "
                          + names(meta.inputs())
                          + ")"));
      Tensor t = e.getValue();
      if (t.type() != spec.type()) {
        throw new ArgusException.InvalidInput(
            "input '"
                + spec.name()
                + "' has datatype "
                + t.type()
                + " (expected: "
                + spec.type()
                + ")");
      }
      if (!spec.shape().accepts(t.shape())) {
        throw new ArgusException.InvalidInput(
            "input '"
                + spec.name()
                + "' has shape "
                + t.shape()
                + " (expected: "
                + spec.shape()
                + ", -1 for any size)");
      }
    }
    for (TensorSpec spec : meta.inputs()) {
      if (!inputs.containsKey(spec.name())) {
        throw new ArgusException.InvalidInput(
            "missing input '"
                + spec.name()
                + "' ("
                + spec.type()
                + " "
                + spec.shape()
                + ") for model '"
                + model.name()
                + "'");
      }
    }
    Set<String> seen = new HashSet<>();
    for (String name : outputs) {
      if (!seen.add(name)) {
        throw new ArgusException.InvalidInput("output '" + name + "' is requested twice");
      }
      if (meta.output(name).isEmpty()) {
        throw new ArgusException.InvalidInput(
            "unknown output '"
                + name
                + "' for model '"
                + model.name()
                + "' (expected: "
                + names(meta.outputs())
                + ")");
      }
    }
  }

  /**
   * @throws ArgusException.InvalidInput naming an output an image request cannot have
   */
  static void checkImageOutputs(LoadedModel model, List<String> outputs, List<String> allowed) {
    for (String name : outputs) {
      if (!allowed.contains(name)) {
        throw new ArgusException.InvalidInput(
            "output '"
                + name
                + "': model '"
                + model.name()
                + "' answers encoded images with the outputs "
                + allowed);
      }
    }
  }

  private static String names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).collect(Collectors.joining(", ", "one of ", ""));
  }
}
