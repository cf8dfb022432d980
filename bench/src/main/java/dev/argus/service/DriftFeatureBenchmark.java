package dev.argus.service;

import dev.argus.config.DriftConfig;
import dev.argus.observe.DriftMonitor;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Threads;

/**
 * What drift costs one tensor request: its features computed from the request's binary input (the
 * mean of each input, {@link InferenceOutcome#inputMeans}) and recorded into the model's window
 * ({@link DriftMonitor#observe}), on 1 and 2 threads (2 request threads recording into the same
 * model at once). In this package because the feature code is package-private: it is the request
 * path's own code, not a copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DriftFeatureBenchmark {
  @Param({"1x1024", "1x3x224x224"})
  public String shape;

  private DriftMonitor drift;
  private Map<String, Tensor> inputs;

  @Setup(Level.Trial)
  public void start() {
    drift =
        new DriftMonitor(
            new DriftConfig(true, 1000, 100, 100, Duration.ofSeconds(3600), 0.01, 0.2));
    drift.startReference("bench");
    long[] dims = java.util.Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
    Shape s = Shape.of(dims);
    int n = Math.toIntExact(s.elementCount());
    ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    Random random = new Random(1);
    for (int i = 0; i < n; i++) {
      bytes.putFloat(4 * i, random.nextFloat());
    }
    inputs = Map.of("input", Tensor.ofLittleEndian(DataType.FP32, s, bytes));
    for (int i = 0; i < 200; i++) {
      oneRequest(); // past the reference: what every later request pays
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    drift.close();
  }

  private void oneRequest() {
    InferenceOutcome.DriftSample sample = InferenceOutcome.inputMeans(inputs);
    drift.observe("bench", sample.numeric(), sample.predictedClass());
  }

  @Benchmark
  public void oneRequestObserved() {
    oneRequest();
  }

  @Benchmark
  @Threads(2)
  public void oneRequestObservedBy2Threads() {
    oneRequest();
  }
}
