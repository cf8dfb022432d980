package dev.argus.bench;

import com.google.protobuf.CodedInputStream;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live OTLP/HTTP receiver for the observability scenarios: accepts POST /v1/traces (and metrics,
 * logs), decodes the ExportTraceServiceRequest far enough to count its spans, and answers 200 with
 * an empty response, as a collector would. Prints {@code OTLP port=N} when listening and {@code
 * OTLP requests=N bytes=M spans=S posts=P} when stopped; {@code GET /stats} answers the same line
 * while it runs, so the harness can hold the spans received against the requests served ({@code
 * posts}: server spans of POST requests, one per prediction).
 *
 * <p>java -cp BENCH_CLASSPATH dev.argus.bench.OtlpSink
 */
public final class OtlpSink {
  private static final AtomicLong requests = new AtomicLong();
  private static final AtomicLong bytes = new AtomicLong();
  private static final AtomicLong spans = new AtomicLong();
  private static final AtomicLong posts = new AtomicLong();

  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/v1/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            bytes.addAndGet(body.length);
            if (exchange.getRequestURI().getPath().endsWith("/traces")) {
              countSpans(body);
            }
          } catch (IOException | RuntimeException e) {
            System.err.println("OTLP undecodable export: " + e);
          }
          requests.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.createContext(
        "/stats",
        exchange -> {
          byte[] line = (stats() + "\n").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, line.length);
          exchange.getResponseBody().write(line);
          exchange.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  System.out.println("OTLP " + stats());
                }));
    System.out.println("OTLP port=" + server.getAddress().getPort());
    Thread.currentThread().join();
  }

  private static String stats() {
    return "requests="
        + requests.get()
        + " bytes="
        + bytes.get()
        + " spans="
        + spans.get()
        + " posts="
        + posts.get();
  }

  // ExportTraceServiceRequest { 1: ResourceSpans { 2: ScopeSpans { 2: Span { 5: name, 6: kind } } } }
  private static void countSpans(byte[] body) throws IOException {
    CodedInputStream request = CodedInputStream.newInstance(body);
    for (int tag; (tag = request.readTag()) != 0; ) {
      if (tag >>> 3 != 1) {
        request.skipField(tag);
        continue;
      }
      CodedInputStream resource = CodedInputStream.newInstance(request.readByteArray());
      for (int t; (t = resource.readTag()) != 0; ) {
        if (t >>> 3 != 2) {
          resource.skipField(t);
          continue;
        }
        CodedInputStream scope = CodedInputStream.newInstance(resource.readByteArray());
        for (int s; (s = scope.readTag()) != 0; ) {
          if (s >>> 3 != 2) {
            scope.skipField(s);
            continue;
          }
          span(CodedInputStream.newInstance(scope.readByteArray()));
        }
      }
    }
  }

  private static void span(CodedInputStream span) throws IOException {
    String name = "";
    int kind = 0;
    for (int tag; (tag = span.readTag()) != 0; ) {
      switch (tag >>> 3) {
        case 5 -> name = span.readStringRequireUtf8();
        case 6 -> kind = span.readEnum();
        default -> span.skipField(tag);
      }
    }
    spans.incrementAndGet();
    if (kind == 2 && name.startsWith("POST ")) { // SPAN_KIND_SERVER
      posts.incrementAndGet();
    }
  }
}
