package dev.argus.bench.jmh;

import dev.argus.transport.http.oip.OipRequestReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing an Open Inference Protocol request body into a tensor ({@link OipRequestReader#parse}, in this
 * package because the codec is package-private): JSON numbers streamed into a float[], and the same
 * tensor as Triton's binary extension, for the tiny mlp-1024x10 input [1,1024] and image-triage's
 * [1,3,224,224]. Run with {@code -prof gc} to see the allocation per parse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TensorJsonParseBenchmark {
  @Param({"1,1024", "1,3,224,224"})
  public String shape;

  private byte[] json;
  private byte[] binary;
  private int headerLength;

  @Setup
  public void bodies() {
    int count = 1;
    for (String d : shape.split(",")) {
      count *= Integer.parseInt(d);
    }
    Random random = new Random(1);
    float[] values = new float[count];
    StringBuilder body = new StringBuilder(count * 8);
    body.append("{\"inputs\":[{\"name\":\"input\",\"shape\":[")
        .append(shape)
        .append("],\"datatype\":\"FP32\",\"data\":[");
    for (int i = 0; i < count; i++) {
      values[i] = Math.round(random.nextGaussian() * 1000) / 1000f;
      body.append(i > 0 ? "," : "").append(values[i]);
    }
    json = body.append("]}]}").toString().getBytes(StandardCharsets.UTF_8);
    byte[] header =
        ("{\"inputs\":[{\"name\":\"input\",\"shape\":[" + shape + "],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":" + (count * 4) + "}}]}")
            .getBytes(StandardCharsets.UTF_8);
    headerLength = header.length;
    binary = new byte[header.length + count * 4];
    System.arraycopy(header, 0, binary, 0, header.length);
    ByteBuffer.wrap(binary, header.length, count * 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(values);
  }

  @Benchmark
  public Object json() {
    return OipRequestReader.parse(json, -1, Long.MAX_VALUE);
  }

  @Benchmark
  public Object binary() {
    return OipRequestReader.parse(binary, headerLength, Long.MAX_VALUE);
  }
}
