package dev.argus.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live OTLP/HTTP receiver for the observability scenario: accepts POST /v1/traces (and metrics,
 * logs), reads the whole protobuf body and answers 200 with an empty ExportTraceServiceResponse, as
 * a collector would. Prints {@code OTLP port=N} when listening and {@code OTLP requests=N bytes=M}
 * when stopped, so the harness can check that spans really were exported.
 *
 * <p>java -cp BENCH_CLASSPATH dev.argus.bench.OtlpSink
 */
public final class OtlpSink {
  public static void main(String[] args) throws Exception {
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext(
        "/v1/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bytes.addAndGet(in.transferTo(java.io.OutputStream.nullOutputStream()));
          }
          requests.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  System.out.println("OTLP requests=" + requests.get() + " bytes=" + bytes.get());
                }));
    System.out.println("OTLP port=" + server.getAddress().getPort());
    Thread.currentThread().join();
  }
}
