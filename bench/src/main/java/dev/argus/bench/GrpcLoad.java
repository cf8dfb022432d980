package dev.argus.bench;

import com.google.protobuf.ByteString;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * wrk's counterpart for gRPC: CONNECTIONS threads, each with a channel (an HTTP/2 connection) of
 * its own, send the same ModelInfer with one FP32 input in raw_input_contents (what tritonclient
 * sends) back to back: for WARMUP seconds unmeasured (a fresh client JVM is slow), then for
 * SECONDS, and print the line bench/run.sh reads from wrk: {@code RESULT rps=... p50_ms=...
 * p99_ms=... errors=... non2xx=0 requests=... cpu_us_per_request=...}, the last being the server
 * process SERVER_PID's CPU time (/proc, user + system) over the measured window per request. Every
 * call has a 10 s deadline; a failed call counts as an error.
 *
 * <pre>
 * java -cp BENCH_CLASSPATH dev.argus.bench.GrpcLoad PORT MODEL INPUT DIMS CONNECTIONS SECONDS WARMUP SERVER_PID
 * </pre>
 */
public final class GrpcLoad {
  private GrpcLoad() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long[] dims = Arrays.stream(args[3].split(",")).mapToLong(Long::parseLong).toArray();
    int connections = Integer.parseInt(args[4]);
    long seconds = Long.parseLong(args[5]);
    double warmup = Double.parseDouble(args[6]);
    long serverPid = Long.parseLong(args[7]);
    ModelInferRequest request = request(args[1], args[2], dims);
    AtomicLong errors = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    long measureFrom = System.nanoTime() + (long) (warmup * 1e9);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    long[] cpuFrom = {-1};
    for (int c = 0; c < connections; c++) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .maxInboundMessageSize(64 << 20)
              .build();
      channels.add(channel);
      long[] mine = new long[1_000_000];
      latencies.add(mine);
      threads.add(
          Thread.ofPlatform()
              .start(() -> {
                var stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
                int n = 0;
                while (System.nanoTime() < measureFrom) {
                  try {
                    stub.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(request);
                  } catch (RuntimeException e) {
                    errors.incrementAndGet();
                  }
                }
                synchronized (cpuFrom) {
                  if (cpuFrom[0] < 0) {
                    cpuFrom[0] = cpuMicros(serverPid);
                  }
                }
                while (System.nanoTime() < end && n < mine.length - 1) {
                  long t0 = System.nanoTime();
                  try {
                    ModelInferResponse r =
                        stub.withDeadlineAfter(10, TimeUnit.SECONDS).modelInfer(request);
                    if (r.getRawOutputContentsCount() == 0) {
                      errors.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    errors.incrementAndGet();
                  }
                  mine[++n] = System.nanoTime() - t0;
                }
                mine[0] = n;
              }));
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(seconds + 30));
    }
    double elapsed = (System.nanoTime() - measureFrom) / 1e9;
    long cpu = cpuMicros(serverPid) - cpuFrom[0];
    channels.forEach(ManagedChannel::shutdownNow);
    int total = 0;
    for (long[] l : latencies) {
      total += (int) l[0];
    }
    long[] all = new long[total];
    int at = 0;
    for (long[] l : latencies) {
      System.arraycopy(l, 1, all, at, (int) l[0]);
      at += (int) l[0];
    }
    Arrays.sort(all);
    System.out.printf(
        Locale.ROOT,
        "RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d non2xx=0 requests=%d"
            + " cpu_us_per_request=%.2f%n",
        total / elapsed,
        percentile(all, 0.50) / 1e6,
        percentile(all, 0.99) / 1e6,
        errors.get(),
        total,
        total == 0 ? 0.0 : (double) cpu / total);
  }

  /** User + system CPU time of process {@code pid} in microseconds, from /proc/PID/stat. */
  static long cpuMicros(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of stat(5) (utime, stime) are 12 and 13 after the command name; ticks of
      // 100 Hz, the USER_HZ of every Linux kernel of these machines.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The request: random Gaussian FP32 elements, seeded as bench/run.sh's REST bodies are. */
  static ModelInferRequest request(String model, String input, long[] dims) {
    int count = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    Random random = new Random(1);
    ByteBuffer raw = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      raw.putFloat((float) random.nextGaussian());
    }
    ModelInferRequest.InferInputTensor.Builder t =
        ModelInferRequest.InferInputTensor.newBuilder().setName(input).setDatatype("FP32");
    for (long d : dims) {
      t.addShape(d);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(t)
        .addRawInputContents(ByteString.copyFrom(raw.array()))
        .build();
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
  }
}
