import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: ONNX Runtime alone, in process, no HTTP. Runs MODEL with batch size 1 on CLIENTS
 * threads sharing one session (as Argus does) for SECONDS, with INTRA_OP threads per run, and prints
 * RAW rps=... p50_ms=... p99_ms=... for the bench scripts.
 *
 * <p>java -cp ORT_JAR bench/RawOrtBench.java MODEL INPUT_NAME DIMS(comma) CLIENTS SECONDS INTRA_OP
 */
public final class RawOrtBench {
  public static void main(String[] args) throws Exception {
    String model = args[0];
    String input = args[1];
    long[] shape = Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray();
    int clients = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    int intraOp = Integer.parseInt(args[5]);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setIntraOpNumThreads(intraOp);
    options.addConfigEntry("session.intra_op.allow_spinning", "0");
    int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[count];
    Random random = new Random(1);
    for (int i = 0; i < count; i++) {
      data[i] = (float) random.nextGaussian();
    }
    try (OrtSession session = env.createSession(model, options)) {
      for (int i = 0; i < 20; i++) {
        run(env, session, input, data, shape); // warm-up
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong done = new AtomicLong();
      long[][] latencies = new long[clients][];
      int[] counts = new int[clients];
      Thread[] threads = new Thread[clients];
      for (int c = 0; c < clients; c++) {
        int me = c;
        latencies[c] = new long[2_000_000];
        threads[c] =
            Thread.ofPlatform()
                .start(() -> {
                  try {
                    while (!stop.get()) {
                      long t0 = System.nanoTime();
                      run(env, session, input, data, shape);
                      if (counts[me] < latencies[me].length) {
                        latencies[me][counts[me]++] = System.nanoTime() - t0;
                      }
                      done.incrementAndGet();
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
      }
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      long[] all = new long[Arrays.stream(counts).sum()];
      int k = 0;
      for (int c = 0; c < clients; c++) {
        System.arraycopy(latencies[c], 0, all, k, counts[c]);
        k += counts[c];
      }
      Arrays.sort(all);
      System.out.printf(
          Locale.ROOT,
          "RAW rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d%n",
          done.get() / elapsed,
          all[all.length / 2] / 1e6,
          all[(int) (all.length * 0.99)] / 1e6,
          done.get());
    }
  }

  private static void run(
      OrtEnvironment env, OrtSession session, String input, float[] data, long[] shape)
      throws Exception {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        OrtSession.Result r = session.run(Map.of(input, t))) {
      r.get(0).getValue();
    }
  }
}
