package dev.argus.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP/1.1 load generator that, unlike wrk, keeps the latency of each status apart: under
 * overload what matters is the latency of the requests that were accepted (200) and how fast the
 * refused ones (503) were told. CONNECTIONS keep-alive connections each POST the JPEG as
 * multipart/form-data (as bench/lua/predict.lua does) for SECONDS; a connection the server closes
 * ({@code Connection: close}) is reopened. RATE 0 sends back to back (closed loop); a RATE in
 * requests per second over all connections paces each connection to RATE / CONNECTIONS (open
 * loop: an answer that is late does not slow what is offered, as clients of a busy service do not
 * wait for each other), up to one request in flight per connection.
 *
 * <pre>
 * java -cp BENCH_CLASSPATH dev.argus.bench.PerStatusLoad PORT PATH JPEG CONNECTIONS SECONDS RATE [WARMUP]
 * </pre>
 *
 * <p>WARMUP seconds (default 0) of the same load run first and are not counted: the client's own
 * JIT warm-up would otherwise be measured as the server's latency.
 *
 * <p>Prints {@code LOAD ok=N ok_rps=.. ok_p50_ms=.. ok_p99_ms=.. shed=N shed_rps=.. shed_p50_ms=..
 * shed_p99_ms=.. other=N errors=N} for bench/run.sh: {@code ok} are 200s, {@code shed} 503s,
 * {@code other} any other status, {@code errors} connections that failed (reset, timeout).
 */
public final class PerStatusLoad {
  private static final String BOUNDARY = "argus-bench-boundary";
  private static final int TIMEOUT_MS = 10_000;

  /** Latencies of one status class, in nanoseconds, appended by one connection. */
  private static final class Samples {
    private long[] values = new long[1024];
    private int size;

    void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }
  }

  private record Connection(Samples ok, Samples shed) {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    byte[] image = Files.readAllBytes(Path.of(args[2]));
    int connections = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    double rate = Double.parseDouble(args[5]);
    int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    byte[] request = request(port, path, image);
    long interval = rate > 0 ? (long) (connections / rate * 1e9) : 0;
    if (warmup > 0) {
      measure(port, request, connections, warmup, interval);
    }
    System.out.println(measure(port, request, connections, seconds, interval));
  }

  private static String measure(
      int port, byte[] request, int connections, int seconds, long interval)
      throws InterruptedException {
    LongAdder other = new LongAdder();
    LongAdder errors = new LongAdder();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    List<Connection> results = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Connection c = new Connection(new Samples(), new Samples());
      results.add(c);
      // Paced connections start spread over one interval, not all at once.
      long first = start + (interval == 0 ? 0 : interval * i / connections);
      threads.add(
          Thread.ofVirtual()
              .start(() -> run(port, request, first, interval, end, c, other, errors)));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] ok = merge(results, true);
    long[] shed = merge(results, false);
    return String.format(
        Locale.ROOT,
        "LOAD ok=%d ok_rps=%.1f ok_p50_ms=%.2f ok_p99_ms=%.2f shed=%d shed_rps=%.1f"
            + " shed_p50_ms=%.2f shed_p99_ms=%.2f other=%d errors=%d",
        ok.length,
        ok.length / elapsed,
        percentile(ok, 50),
        percentile(ok, 99),
        shed.length,
        shed.length / elapsed,
        percentile(shed, 50),
        percentile(shed, 99),
        other.sum(),
        errors.sum());
  }

  private static void run(
      int port,
      byte[] request,
      long first,
      long interval,
      long end,
      Connection c,
      LongAdder other,
      LongAdder errors) {
    long next = first;
    Socket socket = null;
    while (System.nanoTime() < end) {
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.setSoTimeout(TIMEOUT_MS);
          socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        }
        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
        OutputStream out = socket.getOutputStream();
        boolean open = true;
        while (open && System.nanoTime() < end) {
          if (interval > 0) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            // A late answer does not push the schedule back more than one interval.
            next = Math.max(next, System.nanoTime() - interval) + interval;
          }
          long t0 = System.nanoTime();
          out.write(request);
          out.flush();
          Response r = readResponse(in);
          long took = System.nanoTime() - t0;
          if (System.nanoTime() > end) {
            break; // answered after the window: not counted
          }
          switch (r.status) {
            case 200 -> c.ok.add(took);
            case 503 -> c.shed.add(took);
            default -> other.increment();
          }
          open = !r.close;
        }
        socket.close();
        socket = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        if (System.nanoTime() < end) {
          errors.increment();
        }
        try {
          if (socket != null) {
            socket.close();
          }
        } catch (IOException ignored) {
          // closing a broken socket
        }
        socket = null;
      }
    }
  }

  private record Response(int status, boolean close) {}

  /** Reads one response: status line, headers, and a Content-Length or chunked body. */
  private static Response readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "connection" -> close = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16);
          size > 0;
          size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
        skip(in, size);
        line(in);
      }
      line(in);
    } else if (length > 0) {
      skip(in, length);
    }
    return new Response(status, close);
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed inside a body");
        }
        skipped = 1;
      }
      n -= skipped;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) b);
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  private static byte[] request(int port, String path, byte[] image) {
    byte[] head =
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.jpg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    int length = head.length + image.length + tail.length;
    byte[] headers =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: multipart/form-data; boundary="
                + BOUNDARY
                + "\r\nContent-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headers.length + length];
    System.arraycopy(headers, 0, all, 0, headers.length);
    System.arraycopy(head, 0, all, headers.length, head.length);
    System.arraycopy(image, 0, all, headers.length + head.length, image.length);
    System.arraycopy(tail, 0, all, headers.length + head.length + image.length, tail.length);
    return all;
  }

  private static long[] merge(List<Connection> results, boolean ok) {
    long[] all =
        results.stream()
            .flatMapToLong(c -> {
              Samples s = ok ? c.ok : c.shed;
              return Arrays.stream(s.values, 0, s.size);
            })
            .toArray();
    Arrays.sort(all);
    return all;
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
