package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** metrics.port moves /metrics off the inference port; metrics.enabled: false removes it. */
class MetricsPortIT {
  @Test
  void metricsServedOnlyOnTheirOwnPort() throws Exception {
    try (TestServer server =
        TestServer.start(TestModels.bundledRepository(), Map.of("metrics.port", "0"))) {
      int metricsPort = server.server().metricsPort().orElseThrow();
      assertThat(server.get("/health").statusCode()).isEqualTo(200);

      HttpResponse<String> onMain = server.get("/metrics");
      HttpResponse<String> onOwn = get("http://127.0.0.1:" + metricsPort + "/metrics");
      HttpResponse<String> otherPathOnOwn = get("http://127.0.0.1:" + metricsPort + "/predict");

      assertThat(metricsPort).isNotEqualTo(server.server().port());
      assertThat(onMain.statusCode()).isEqualTo(404);
      assertThat(onOwn.statusCode()).isEqualTo(200);
      assertThat(onOwn.body())
          .contains("http_server_requests_total{method=\"GET\",route=\"/health\"");
      assertThat(otherPathOnOwn.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void disabledMetricsAreNotServed() {
    try (TestServer server =
        TestServer.start(TestModels.bundledRepository(), Map.of("metrics.enabled", "false"))) {
      assertThat(server.get("/metrics").statusCode()).isEqualTo(404);
      assertThat(server.server().metricsPort()).isEmpty();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
