package dev.argus.testing;

import dev.argus.model.Model;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelMetadata;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** Real ONNX Runtime models whose runs fail while {@code failing} is set: an injected fault. */
public record FailingRuntime(OnnxModelRuntime real, AtomicBoolean failing) implements ModelRuntime {
  public FailingRuntime(AtomicBoolean failing) {
    this(new OnnxModelRuntime(), failing);
  }

  @Override
  public Model load(Path file, RuntimeOptions options) {
    Model model = real.load(file, options);
    return new Model() {
      @Override
      public ModelMetadata metadata() {
        return model.metadata();
      }

      @Override
      public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        if (failing.get()) {
          throw new ModelExecutionException("injected runtime failure");
        }
        return model.run(inputs);
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }

  @Override
  public String version() {
    return real.version();
  }
}
