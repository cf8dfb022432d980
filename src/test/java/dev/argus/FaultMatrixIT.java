package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.FailingRuntime;
import dev.argus.testing.FaultRuntime;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failure an operator must act on, injected into a real server: which metric moves, what the
 * availability SLO counts, and that the shipped alert for it fires in promtool, fed with what the
 * server's own /metrics said (each counter growing by its scraped value every minute, each gauge as
 * scraped). docs/metrics.md and docs/slo.md say the same.
 */
class FaultMatrixIT {
  @TempDir Path dir;

  private static final Map<String, String> NO_SETTINGS = Map.of();

  @Test
  void overloadAtAdmissionIsRejectedSpendsTheBudgetAndAlerts() throws Exception {
    TestModels.addImageTriage(dir.resolve("m"));
    byte[] photo = TestModels.labelledPhotosBytes(0);
    try (TestServer server =
        TestServer.start(dir.resolve("m"), Map.of("limits.max_concurrent_predictions", "1"))) {
      List<Integer> statuses = concurrently(server, photo, 24);
      assertThat(statuses).contains(503);
      String metrics = server.get("/metrics").body();
      assertThat(
              value(
                  metrics, "inference_rejected_total{model=\"image-triage\",reason=\"admission\"}"))
          .isPositive();
      assertThat(counted(metrics, "rejected"))
          .isEqualTo(statuses.stream().filter(s -> s == 503).count());
      assertBudgetSpentBy(server, counted(metrics, "rejected"));
      assertFires(metrics, "ArgusHighErrorRate", "{severity: page, model: image-triage}");
      assertFires(metrics, "ArgusHighHttpErrorRate", "{severity: page, instance: \"argus:8080\"}");
    }
  }

  @Test
  void aFullModelQueueIsRejectedAndAlerts() throws Exception {
    TestModels.addImageTriage(dir.resolve("m"), "max_batch_size: 1\nqueue_capacity: 1\n");
    FaultRuntime runtime = new FaultRuntime();
    byte[] photo = TestModels.labelledPhotosBytes(1);
    try (TestServer server =
        TestServer.start(dir.resolve("m"), Map.of("server.request_timeout", "3s"), runtime, true)) {
      runtime.inject(FaultRuntime.Fault.HANG); // one runs, one queues, the rest find it full
      List<Integer> statuses = concurrently(server, photo, 8);
      runtime.release();
      assertThat(statuses).contains(503);
      String metrics = server.get("/metrics").body();
      assertThat(
              value(metrics, "inference_rejected_total{model=\"image-triage\",reason=\"queue\"}"))
          .isPositive();
      assertBudgetSpentBy(server, counted(metrics, "rejected") + counted(metrics, "timeout"));
      assertFires(metrics, "ArgusHighErrorRate", "{severity: page, model: image-triage}");
    }
  }

  @Test
  void anExpiredDeadlineIsATimeoutThatSpendsTheBudgetAndAlerts() throws Exception {
    TestModels.addImageTriage(dir.resolve("m"));
    FaultRuntime runtime = new FaultRuntime();
    byte[] photo = TestModels.labelledPhotosBytes(2);
    try (TestServer server = TestServer.start(dir.resolve("m"), NO_SETTINGS, runtime, true)) {
      runtime.inject(FaultRuntime.Fault.HANG);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            server.send(
                HttpRequest.newBuilder(server.uri("/predict"))
                    .header("X-Request-Timeout-Ms", "200")
                    .header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            TestServer.multipart("b", "file", photo))));
        assertThat(r.statusCode()).isEqualTo(504);
      }
      runtime.release();
      String metrics = server.get("/metrics").body();
      assertThat(counted(metrics, "timeout")).isEqualTo(3);
      assertBudgetSpentBy(server, 3);
      assertFires(metrics, "ArgusHighErrorRate", "{severity: page, model: image-triage}");
    }
  }

  @Test
  void anInternalErrorFromTheModelIsAnErrorAndAlerts() throws Exception {
    TestModels.addImageTriage(dir.resolve("m"));
    AtomicBoolean failing = new AtomicBoolean();
    byte[] photo = TestModels.labelledPhotosBytes(3);
    try (TestServer server =
        TestServer.start(dir.resolve("m"), NO_SETTINGS, new FailingRuntime(failing), true)) {
      for (int i = 0; i < 4; i++) {
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      }
      failing.set(true);
      for (int i = 0; i < 4; i++) {
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(500);
      }
      String metrics = server.get("/metrics").body();
      assertThat(counted(metrics, "error")).isEqualTo(4);
      assertBudgetSpentBy(server, 4);
      assertFires(metrics, "ArgusHighErrorRate", "{severity: page, model: image-triage}");
      assertFires(metrics, "ArgusHighHttpErrorRate", "{severity: page, instance: \"argus:8080\"}");
    }
  }

  @Test
  void aCorruptModelIsNotLoadedNotReadyAndAlerts() throws Exception {
    Path repo = dir.resolve("m");
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("broken"));
    Files.write(repo.resolve("broken/1/model.onnx"), "not an ONNX graph".getBytes());
    try (TestServer server =
        TestServer.start(repo, Map.of("models.default_model", "image-triage"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(
                server
                    .postMultipart("/predict/broken", TestModels.labelledPhotosBytes(0))
                    .statusCode())
            .isEqualTo(503);
      }
      String metrics = server.get("/metrics").body();
      assertThat(value(metrics, "model_loaded{model=\"broken\",version=\"1\"}")).isZero();
      assertThat(
              value(
                  metrics,
                  "inference_requests_total{model=\"broken\",outcome=\"not_ready\",version=\"1\"}"))
          .isEqualTo(3);
      assertBudgetSpentBy(server, 3);
      assertFires(
          metrics,
          "ArgusModelNotLoaded",
          "{severity: page, job: argus, instance: \"argus:8080\", model: broken, version: \"1\"}");
    }
  }

  @Test
  void anInvalidModelYamlHasAModelLoadedSeriesAndAlerts() throws Exception {
    Path repo = dir.resolve("m");
    TestModels.addImageTriage(repo);
    TestModels.copyTree(repo.resolve("image-triage"), repo.resolve("misconfigured"));
    TestModels.write(
        repo.resolve("misconfigured/model.yaml"), "kind: image_classifier\ntop_k: -1\n");
    try (TestServer server =
        TestServer.start(repo, Map.of("models.default_model", "image-triage"))) {
      String metrics = server.get("/metrics").body();
      assertThat(value(metrics, "model_loaded{model=\"misconfigured\",version=\"\"}")).isZero();
      assertThat(
              value(
                  metrics, "model_load_failures_total{model=\"misconfigured\",reason=\"config\"}"))
          .isEqualTo(1);
      assertBudgetSpentBy(server, 0);
      assertFires(
          metrics,
          "ArgusModelNotLoaded",
          "{severity: page, job: argus, instance: \"argus:8080\", model: misconfigured}");
    }
  }

  @Test
  void anUnloadedModelIsNotLoadedAndItsRequestsAreTheClientsDoing() throws Exception {
    Path repo = dir.resolve("m");
    TestModels.addImageTriage(repo);
    String token = "fault-matrix-admin-token";
    try (TestServer server = TestServer.start(repo, Map.of("admin.token", token))) {
      HttpResponse<String> unloaded =
          server.send(
              HttpRequest.newBuilder(server.uri("/v2/repository/models/image-triage/unload"))
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(unloaded.statusCode()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        assertThat(
                server
                    .postMultipart("/predict/image-triage", TestModels.labelledPhotosBytes(0))
                    .statusCode())
            .isEqualTo(404);
      }
      String metrics = server.get("/metrics").body();
      assertThat(
              value(
                  metrics,
                  "inference_requests_total{model=\"(unknown)\",outcome=\"unknown_model\",version=\"\"}"))
          .isEqualTo(3);
      assertBudgetSpentBy(server, 0); // 404s are not the server failing
      assertFires(
          metrics,
          "ArgusModelNotLoaded",
          "{severity: page, job: argus, instance: \"argus:8080\", model: image-triage, version: \"1\"}");
    }
  }

  @Test
  void aTraceBackendThatIsDownIsCountedAndAlertsWhileServingGoesOn() throws Exception {
    Path repo = dir.resolve("m");
    TestModels.addImageTriage(repo);
    String down;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      down = "http://127.0.0.1:" + free.getLocalPort();
    }
    System.setProperty("otel.bsp.schedule.delay", "50");
    try (TestServer server =
        TestServer.start(
            repo,
            Map.of(
                "tracing.enabled",
                "true",
                "tracing.endpoint",
                down,
                "tracing.export_timeout",
                "300ms"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(server.postMultipart("/predict", TestModels.labelledPhotosBytes(0)).statusCode())
            .isEqualTo(200);
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() ->
              value(
                      server.get("/metrics").body(),
                      "tracing_spans_dropped_total{reason=\"export_failed\"}")
                  > 0);
      String metrics = server.get("/metrics").body();
      assertBudgetSpentBy(server, 0);
      assertFires(metrics, "ArgusSpansDropped", "{severity: ticket, instance: \"argus:8080\"}");
    } finally {
      System.clearProperty("otel.bsp.schedule.delay");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static List<Integer> concurrently(TestServer server, byte[] photo, int n)
      throws Exception {
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(clients.submit(() -> server.postMultipart("/predict", photo)));
      }
      for (Future<HttpResponse<String>> f : answers) {
        statuses.add(f.get().statusCode());
      }
    }
    return statuses;
  }

  /** Requests of image-triage with {@code outcome}. */
  private static long counted(String metrics, String outcome) {
    return (long)
        value(
            metrics,
            "inference_requests_total{model=\"image-triage\",outcome=\""
                + outcome
                + "\",version=\"1\"}");
  }

  /** The value of the series {@code series} (exactly as exposed), 0 when it is absent. */
  private static double value(String metrics, String series) {
    for (String line : metrics.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }

  /** The availability objective counted exactly {@code bad} bad events of the server's doing. */
  private static void assertBudgetSpentBy(TestServer server, long bad) {
    JsonNode availability = TestServer.json(server.get("/slo")).path("objectives").get(0);
    assertThat(availability.path("name").asText()).isEqualTo("availability");
    long valid = availability.path("valid_events").asLong();
    double sli = availability.path("sli").path("5m").asDouble();
    long good = Math.round(sli * valid);
    assertThat(valid - good).as("bad events in the availability SLI").isEqualTo(bad);
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? ([-+0-9.eEInfNa]+)$");

  /**
   * The shipped alert {@code alert} fires, with exactly {@code labels}, in promtool fed with these
   * scraped series as a Prometheus scraping {@code job="argus", instance="argus:8080"} would see
   * them for 30 minutes. The rules' annotations are left out (they are tested in DeployIT).
   */
  private void assertFires(String metrics, String alert, String labels) throws Exception {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    String rules =
        Files.readString(TestModels.projectRoot().resolve("deploy/prometheus/argus-rules.yaml"));
    Files.writeString(
        dir.resolve("rules.yaml"),
        rules.replaceAll("(?m)^        annotations:\\n(          .*\\n)+", ""));
    StringBuilder series = new StringBuilder();
    Map<String, Boolean> seen = new HashMap<>();
    for (String line : metrics.lines().toList()) {
      Matcher m = SAMPLE.matcher(line);
      if (line.startsWith("#") || !m.matches() || m.group(4).contains("N")) {
        continue;
      }
      String name = m.group(1);
      String inner = m.group(3) == null ? "" : m.group(3);
      String all = "job=\"argus\",instance=\"argus:8080\"" + (inner.isEmpty() ? "" : "," + inner);
      String key = name + "{" + all + "}";
      if (seen.put(key, true) != null) {
        continue;
      }
      double v = Double.parseDouble(m.group(4));
      boolean counter =
          name.endsWith("_total")
              || name.endsWith("_bucket")
              || name.endsWith("_count")
              || name.endsWith("_sum");
      // Counters grow by 100 times their scraped value a minute: the same ratios, rates well
      // above the alerts' minimum traffic.
      String values = counter ? "0+" + (v * 100) + "x30" : v + "x30";
      series.append("      - series: '").append(key.replace("'", "''")).append("'\n");
      series.append("        values: '").append(values).append("'\n");
    }
    Files.writeString(
        dir.resolve("test.yaml"),
        """
        rule_files: [rules.yaml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
        %s    alert_rule_test:
              - eval_time: 20m
                alertname: %s
                exp_alerts:
                  - exp_labels: %s
        """
            .formatted(series.toString().indent(4), alert, labels));
    String out = ExternalTools.run(dir, List.of(promtool.toString(), "test", "rules", "test.yaml"));
    assertThat(out).as(alert).contains("SUCCESS");
  }
}
