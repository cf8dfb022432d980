package dev.argus.transport.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * {@code GET /metrics}: client_java's scrape handler over Helidon, so content negotiation
 * (Prometheus text, OpenMetrics, protobuf), gzip and {@code name[]} filters are client_java's own.
 */
final class MetricsHandler implements Routes {
  private final PrometheusScrapeHandler scrape;

  MetricsHandler(PrometheusRegistry registry) {
    this.scrape = new PrometheusScrapeHandler(registry);
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET,
            "/metrics",
            "Prometheus metrics (text, OpenMetrics or protobuf by Accept)",
            this::handle));
  }

  void handle(ServerRequest req, ServerResponse res) {
    try {
      scrape.handleRequest(new Exchange(req, res));
    } catch (IOException e) {
      throw new UncheckedIOException("writing /metrics", e);
    }
  }

  private record Exchange(ServerRequest req, ServerResponse res) implements PrometheusHttpExchange {
    @Override
    public PrometheusHttpRequest getRequest() {
      return new PrometheusHttpRequest() {
        @Override
        public String getQueryString() {
          return req.query().rawValue();
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
          return Collections.enumeration(
              req.headers().all(HeaderNames.create(name), java.util.List::of));
        }

        @Override
        public String getMethod() {
          return req.prologue().method().text();
        }

        @Override
        public String getRequestPath() {
          return req.path().path();
        }
      };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return new PrometheusHttpResponse() {
        @Override
        public void setHeader(String name, String value) {
          res.header(HeaderNames.create(name), value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int status, int contentLength) {
          res.status(Status.create(status));
          if (contentLength > 0) {
            res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(contentLength));
          }
          return res.outputStream();
        }
      };
    }

    @Override
    public void handleException(IOException e) throws IOException {
      throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
      throw e;
    }

    @Override
    public void close() {}
  }
}
