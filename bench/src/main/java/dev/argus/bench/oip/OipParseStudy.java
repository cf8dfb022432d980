package dev.argus.bench.oip;

import dev.argus.transport.http.oip.OipRequestReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * In-process cost of reading an Open Inference Protocol request with an [8,3,224,224] FP32 tensor
 * (1.2 M numbers): Argus's streaming parse ({@link OipRequestReader#parse}, straight into a float[]) against
 * the usual way (Jackson data binding into maps and lists of boxed numbers, then copied into a
 * float[]), and the binary extension. Prints time and bytes allocated per request, and ratios.
 *
 * <p>Compiled into target/bench-classes beside target/classes (same package, same class loader) by
 * bench/studies/oip.sh: java -cp BENCH_CLASSPATH dev.argus.transport.http.OipParseStudy
 */
public final class OipParseStudy {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int count = 8 * 3 * 224 * 224;
    Random random = new Random(1);
    StringBuilder json = new StringBuilder(count * 8);
    json.append("{\"inputs\":[{\"name\":\"input\",\"shape\":[8,3,224,224],\"datatype\":\"FP32\",\"data\":[");
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = Math.round(random.nextGaussian() * 1000) / 1000f;
      if (i > 0) {
        json.append(',');
      }
      json.append(values[i]);
    }
    json.append("]}]}");
    byte[] jsonBody = json.toString().getBytes(StandardCharsets.UTF_8);
    String header =
        "{\"inputs\":[{\"name\":\"input\",\"shape\":[8,3,224,224],\"datatype\":\"FP32\","
            + "\"parameters\":{\"binary_data_size\":" + (count * 4) + "}}]}";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    byte[] binaryBody = new byte[headerBytes.length + count * 4];
    System.arraycopy(headerBytes, 0, binaryBody, 0, headerBytes.length);
    java.nio.ByteBuffer.wrap(binaryBody, headerBytes.length, count * 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(values);

    Runnable streaming =
        () -> check(OipRequestReader.parse(jsonBody, -1, Long.MAX_VALUE).inputs().get("input"), values);
    Runnable boxed = () -> check(boxedParse(jsonBody), values);
    Runnable binary =
        () ->
            check(
                OipRequestReader.parse(binaryBody, headerBytes.length, Long.MAX_VALUE).inputs().get("input"),
                values);

    double[] s = measure(streaming, iterations);
    double[] b = measure(boxed, iterations);
    double[] bin = measure(binary, iterations);
    System.out.printf(
        Locale.ROOT,
        "PARSE body_mb=%.1f streaming_ms=%.2f streaming_alloc_mb=%.1f boxed_ms=%.2f boxed_alloc_mb=%.1f"
            + " binary_ms=%.3f binary_alloc_mb=%.1f streaming_vs_boxed_time_ratio=%.3f"
            + " streaming_vs_boxed_alloc_ratio=%.3f binary_vs_streaming_time_ratio=%.4f%n",
        jsonBody.length / 1e6,
        s[0],
        s[1],
        b[0],
        b[1],
        bin[0],
        bin[1],
        s[0] / b[0],
        s[1] / b[1],
        bin[0] / s[0]);
  }

  /** The usual way: data binding into boxed numbers, then a copy into a float[]. */
  @SuppressWarnings("unchecked")
  private static Tensor boxedParse(byte[] body) {
    try {
      Map<String, Object> request = MAPPER.readValue(body, Map.class);
      Map<String, Object> input = ((List<Map<String, Object>>) request.get("inputs")).get(0);
      List<Number> data = (List<Number>) input.get("data");
      float[] out = new float[data.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = data.get(i).floatValue();
      }
      return Tensor.ofFloats(dev.argus.tensor.Shape.of(8, 3, 224, 224), out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void check(Tensor t, float[] expected) {
    float[] got = t.floats();
    if (got.length != expected.length || got[12345] != expected[12345]) {
      throw new AssertionError("parsed tensor differs");
    }
  }

  /** Median milliseconds and mean MB allocated per call, after warm-up. */
  private static double[] measure(Runnable r, int iterations) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      r.run();
    }
    double[] ms = new double[iterations];
    long allocated = 0;
    long tid = Thread.currentThread().threadId();
    for (int i = 0; i < iterations; i++) {
      long a0 = threads.getThreadAllocatedBytes(tid);
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
      allocated += threads.getThreadAllocatedBytes(tid) - a0;
    }
    java.util.Arrays.sort(ms);
    return new double[] {ms[iterations / 2], allocated / (double) iterations / 1e6};
  }
}
