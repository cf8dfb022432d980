package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.FailingRuntime;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alerting path on loopback: a real Argus whose model starts failing, a real Prometheus
 * evaluating the shipped rules, a real Alertmanager with the shipped routing, and a webhook
 * receiver in the test. Durations of the shipped files are scaled down (minutes to seconds) so it
 * takes about a minute: a model whose model.yaml is invalid fires ArgusModelNotLoaded, and the
 * error-rate alert reaches the webhook with the failing model's label and resolves once the
 * failures stop.
 */
class AlertingE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The shipped rules with their windows and waits in seconds instead of minutes. */
  private static String fast(String text) {
    return text.replace("[5m]", "[20s]").replaceAll("for: \\d+m", "for: 2s");
  }

  @Test
  void anInjectedFailureReachesTheWebhookWithTheModelAndResolves() throws Exception {
    Path prometheus = ExternalTools.require("prometheus", "prometheus");
    Path alertmanager = ExternalTools.require("prometheus-alertmanager", "prometheus-alertmanager");

    List<JsonNode> notifications = new CopyOnWriteArrayList<>();
    HttpServer webhook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/",
        exchange -> {
          notifications.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.start();
    String hook = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/";

    AtomicBoolean failing = new AtomicBoolean();
    int amPort = freePort();
    int promPort = freePort();
    Process am = null;
    Process prom = null;
    AtomicBoolean stop = new AtomicBoolean();
    // Beside the model that will fail, one whose model.yaml is invalid from the start.
    Path repo = dir.resolve("models");
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("misconfigured"));
    TestModels.write(
        repo.resolve("misconfigured/model.yaml"), "kind: image_classifier\ntop_k: -1\n");
    try (TestServer argus =
        TestServer.start(
            repo,
            Map.of("models.default_model", "image-triage"),
            new FailingRuntime(failing),
            true)) {
      Files.writeString(
          dir.resolve("alertmanager.yml"),
          Files.readString(Path.of("deploy/alertmanager/alertmanager.yml"))
              .replaceAll("http://\\S+\\.example\\.internal/argus", hook)
              .replaceAll("group_wait: \\d+s", "group_wait: 1s")
              .replaceAll("group_interval: \\d+m", "group_interval: 2s"));
      am =
          new ProcessBuilder(
                  alertmanager.toString(),
                  "--config.file=" + dir.resolve("alertmanager.yml"),
                  "--storage.path=" + dir.resolve("am"),
                  "--web.listen-address=127.0.0.1:" + amPort,
                  "--cluster.listen-address=")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("alertmanager.log").toFile())
              .start();
      Files.writeString(
          dir.resolve("argus-rules.yaml"),
          fast(Files.readString(Path.of("deploy/prometheus/argus-rules.yaml"))));
      Files.writeString(
          dir.resolve("prometheus.yml"),
          """
          global: {scrape_interval: 1s, evaluation_interval: 1s}
          rule_files: [argus-rules.yaml]
          alerting:
            alertmanagers: [{static_configs: [{targets: ['127.0.0.1:%d']}]}]
          scrape_configs:
            - job_name: argus
              static_configs: [{targets: ['127.0.0.1:%d']}]
          """
              .formatted(amPort, argus.server().port()));
      prom =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + dir.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("prometheus.log").toFile())
              .start();

      byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
      Thread traffic =
          Thread.ofPlatform()
              .start(() -> {
                while (!stop.get()) {
                  argus.postMultipart("/predict", photo);
                  try {
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      Thread.sleep(3000); // a few good scrapes first
      failing.set(true);

      // The broken model.yaml: a model_loaded series without a version, and its alert.
      JsonNode notLoaded =
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> find(notifications, "ArgusModelNotLoaded", "firing"), n -> n != null);
      assertThat(notLoaded.path("labels").path("model").asText()).isEqualTo("misconfigured");
      assertThat(notLoaded.path("annotations").path("summary").asText())
          .contains("(no version found)");

      JsonNode firing =
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> find(notifications, "ArgusHighErrorRate", "firing"), n -> n != null);
      assertThat(firing.path("labels").path("model").asText()).isEqualTo("image-triage");
      assertThat(firing.path("labels").path("severity").asText()).isEqualTo("page");
      assertThat(firing.path("annotations").path("runbook_url").asText())
          .isEqualTo("docs/runbooks/ArgusHighErrorRate.md");

      failing.set(false);
      JsonNode resolved =
          await()
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> find(notifications, "ArgusHighErrorRate", "resolved"), n -> n != null);
      assertThat(resolved.path("labels").path("model").asText()).isEqualTo("image-triage");
      stop.set(true);
      traffic.join(5000);
    } finally {
      stop.set(true);
      webhook.stop(0);
      for (Process p : new Process[] {prom, am}) {
        if (p != null) {
          p.destroy();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** The first {@code alert} with {@code status} in the webhook notifications. */
  private static JsonNode find(List<JsonNode> notifications, String alert, String status) {
    for (JsonNode n : notifications) {
      for (JsonNode a : n.path("alerts")) {
        if (a.path("labels").path("alertname").asText().equals(alert)
            && a.path("status").asText().equals(status)) {
          return a;
        }
      }
    }
    return null;
  }
}
