package dev.argus.testing;

import dev.argus.model.Model;
import dev.argus.model.ModelMetadata;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Real ONNX Runtime models with a fault a test switches on: runs that run out of memory, or that
 * hang (until {@link #release()}, at most a minute) as a runtime that makes no progress would.
 */
public final class FaultRuntime implements ModelRuntime {
  /** What the next runs do. */
  public enum Fault {
    NONE,
    OUT_OF_MEMORY,
    HANG
  }

  private final OnnxModelRuntime real = new OnnxModelRuntime();
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
  private volatile CountDownLatch released = new CountDownLatch(1);
  private final java.util.concurrent.Semaphore hung = new java.util.concurrent.Semaphore(0);

  /** Waits until a run is hanging (since the fault was injected); true if one did in time. */
  public boolean awaitHangingRun(java.time.Duration timeout) throws InterruptedException {
    return hung.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** From now on, runs do this. */
  public void inject(Fault f) {
    if (f == Fault.HANG) {
      released = new CountDownLatch(1);
      hung.drainPermits();
    }
    fault.set(f);
  }

  /** Lets hanging runs go on, and ends the fault. */
  public void release() {
    fault.set(Fault.NONE);
    released.countDown();
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
        switch (fault.get()) {
          case OUT_OF_MEMORY -> throw new OutOfMemoryError("injected: Java heap space");
          case HANG -> {
            hung.release();
            try {
              released.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          case NONE -> {}
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
