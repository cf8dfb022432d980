package dev.argus.testing;

import dev.argus.model.Model;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelMetadata;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Real ONNX Runtime models that a test can hold: while {@link #hold()} is in force every run waits
 * at the gate (at most a minute) until {@link #release()}, so requests behind it stay queued for as
 * long as the test needs, without any timing. It remembers the first FP32 element of every row it
 * ran, so a test can mark a request's rows and see whether they were ever computed.
 */
public final class GatedRuntime implements ModelRuntime {
  private final OnnxModelRuntime real = new OnnxModelRuntime();
  private final Semaphore entered = new Semaphore(0);
  private final List<Float> computed = new ArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /** From now on runs wait at the gate. */
  public void hold() {
    entered.drainPermits();
    gate = new CountDownLatch(1);
  }

  /** Lets every waiting and later run through. */
  public void release() {
    gate.countDown();
  }

  /** Waits until a run has reached the gate since {@link #hold()}. */
  public boolean awaitHeldRun(Duration timeout) throws InterruptedException {
    return entered.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The first FP32 element of each row computed so far. */
  public List<Float> computedMarkers() {
    synchronized (computed) {
      return List.copyOf(computed);
    }
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
        CountDownLatch current = gate;
        if (current.getCount() > 0) {
          entered.release();
          try {
            if (!current.await(60, TimeUnit.SECONDS)) {
              throw new ModelExecutionException("the test never released the gate");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelExecutionException("interrupted at the gate");
          }
        }
        remember(inputs);
        return model.run(inputs);
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }

  private void remember(Map<String, Tensor> inputs) {
    for (Tensor t : inputs.values()) {
      if (t.type() == DataType.FP32 && t.shape().rank() > 0 && t.shape().dim(0) > 0) {
        float[] data = t.floats();
        int row = (int) (data.length / t.shape().dim(0));
        synchronized (computed) {
          for (int i = 0; i < data.length; i += row) {
            computed.add(data[i]);
          }
        }
      }
    }
  }

  @Override
  public String version() {
    return real.version();
  }
}
