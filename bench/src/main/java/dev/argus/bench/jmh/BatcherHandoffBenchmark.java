package dev.argus.bench.jmh;

import dev.argus.batching.BatchSettings;
import dev.argus.batching.DynamicBatcher;
import dev.argus.batching.Ticker;
import dev.argus.model.Model;
import dev.argus.model.ModelMetadata;
import dev.argus.observe.InferenceObserver;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the batcher costs a request when the model costs nothing: submit one [1,1024] request to a
 * DynamicBatcher whose model returns its input, and wait for the result. This is the queue, the
 * worker hand-off both ways, the batch assembly and the split, with batching off (max batch 1) and
 * on (max batch 8, no delay: a lone caller never waits for company).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatcherHandoffBenchmark {
  @Param({"1", "8"})
  public int maxBatchSize;

  private DynamicBatcher batcher;
  private Map<String, Tensor> input;

  /** A model that answers at once: its output is its input. */
  private static final class EchoModel implements Model {
    @Override
    public ModelMetadata metadata() {
      return new ModelMetadata(List.of(), List.of());
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
      return Map.of("output", inputs.get("input"));
    }

    @Override
    public void close() {}
  }

  @Setup(Level.Trial)
  public void start() {
    batcher =
        new DynamicBatcher(
            "bench",
            "1",
            new EchoModel(),
            new BatchSettings(maxBatchSize, Duration.ZERO, 64, 1),
            Ticker.SYSTEM,
            InferenceObserver.NONE);
    input = Map.of("input", Tensor.ofFloats(Shape.of(1, 1024), new float[1024]));
  }

  @TearDown(Level.Trial)
  public void stop() {
    batcher.close(Duration.ofSeconds(5));
  }

  @Benchmark
  public Object submitAndWait() throws Exception {
    return batcher.submit(input, Long.MAX_VALUE).get(10, TimeUnit.SECONDS);
  }
}
