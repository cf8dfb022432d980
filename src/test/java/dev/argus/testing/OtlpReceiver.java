package dev.argus.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: {@code POST /v1/traces} bodies
 * are decoded as {@link ExportTraceServiceRequest} and kept. {@link #blackHole()} is the other
 * kind: it accepts connections and never answers.
 */
public final class OtlpReceiver implements AutoCloseable {
  /** A received span with its resource's attributes. */
  public record Received(Span span, Map<String, String> resource) {
    public String traceId() {
      return hex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return hex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return hex(span.getParentSpanId().toByteArray());
    }

    public String name() {
      return span.getName();
    }

    public Optional<String> attribute(String key) {
      return span.getAttributesList().stream()
          .filter(kv -> kv.getKey().equals(key))
          .map(kv -> text(kv.getValue()))
          .findFirst();
    }

    /** Span ids this span links to. */
    public List<String> linkedSpanIds() {
      return span.getLinksList().stream().map(l -> hex(l.getSpanId().toByteArray())).toList();
    }
  }

  private final HttpServer http;
  private final ServerSocket hole;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final List<Received> spans = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer http, ServerSocket hole) {
    this.http = http;
    this.hole = hole;
  }

  /** A receiver that answers like a collector. */
  public static OtlpReceiver start() throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(http, null);
    http.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            boolean gzip =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            receiver.accept(
                ExportTraceServiceRequest.parseFrom(gzip ? new GZIPInputStream(in) : in));
            byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
            exchange.getResponseBody().write(ok);
          } finally {
            exchange.close();
          }
        });
    http.start();
    return receiver;
  }

  /** A receiver that accepts connections and never reads or answers. */
  public static OtlpReceiver blackHole() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    OtlpReceiver receiver = new OtlpReceiver(null, socket);
    Thread.ofPlatform()
        .daemon()
        .name("otlp-black-hole")
        .start(() -> {
          while (!socket.isClosed()) {
            try {
              receiver.held.add(socket.accept());
            } catch (IOException e) {
              return;
            }
          }
        });
    return receiver;
  }

  /** The base endpoint, for {@code tracing.endpoint} (the exporter adds {@code /v1/traces}). */
  public String endpoint() {
    int port = http != null ? http.getAddress().getPort() : hole.getLocalPort();
    return "http://127.0.0.1:" + port;
  }

  public List<Received> spans() {
    return List.copyOf(spans);
  }

  /** Connections the black hole holds open. */
  public int heldConnections() {
    return held.size();
  }

  private void accept(ExportTraceServiceRequest request) {
    for (ResourceSpans rs : request.getResourceSpansList()) {
      Map<String, String> resource = attributes(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span span : ss.getSpansList()) {
          spans.add(new Received(span, resource));
        }
      }
    }
  }

  private static Map<String, String> attributes(Resource resource) {
    Map<String, String> out = new java.util.HashMap<>();
    for (KeyValue kv : resource.getAttributesList()) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return out;
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case INT_VALUE -> String.valueOf(v.getIntValue());
      case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
      case BOOL_VALUE -> String.valueOf(v.getBoolValue());
      default -> v.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
    }
    if (hole != null) {
      try {
        hole.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      List<Socket> sockets = new ArrayList<>(held);
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }
}
