package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.tensor.DataType;
import dev.argus.testing.FaultRuntime;
import dev.argus.testing.OnnxIdentity;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sampled request capture against a started server: caps, privacy, what is chosen, metrics. */
class CaptureIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String INFER = "/v2/models/identity/infer";

  @TempDir Path tmp;

  static String tensor(double a, double b) {
    return """
    {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [%s, %s]}]}\
    """
        .formatted(a, b);
  }

  private Path repo() {
    Path repo = tmp.resolve("models");
    OnnxIdentity.addTo(repo, "identity", DataType.FP32);
    return repo;
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long bytes(Path dir) {
    return files(dir).stream().mapToLong(p -> p.toFile().length()).sum();
  }

  private static List<JsonNode> captured(Path dir) {
    List<JsonNode> all = new ArrayList<>();
    for (Path p : files(dir)) {
      if (p.toString().endsWith(".json")) {
        try {
          all.add(JSON.readTree(p.toFile()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return all;
  }

  /** The value of {@code series} (exactly as exposed) on /metrics, 0 when absent. */
  static double metric(TestServer server, String series) {
    for (String line : server.get("/metrics").body().lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    return 0;
  }

  @Test
  void theStoreNeverExceedsItsCapsUnderLoad() throws Exception {
    Path dir = tmp.resolve("capture");
    long maxBytes = 64 * 1024;
    try (TestServer server =
        TestServer.start(
            repo(),
            Map.of(
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "1",
                "capture.max_bytes", String.valueOf(maxBytes),
                "capture.max_files", "25",
                "capture.max_request_bytes", "4KiB"))) {
      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicLong mostBytes = new AtomicLong();
      AtomicLong mostFiles = new AtomicLong();
      CompletableFuture<Void> watcher =
          CompletableFuture.runAsync(() -> {
            while (loading.get()) {
              mostBytes.accumulateAndGet(bytes(dir), Math::max);
              mostFiles.accumulateAndGet(files(dir).size(), Math::max);
            }
          });
      try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
          String body = tensor(i, -i);
          sent.add(
              CompletableFuture.supplyAsync(
                  () -> server.postJson(INFER, body).statusCode(), clients));
        }
        assertThat(sent).allSatisfy(f -> assertThat(f.get()).isEqualTo(200));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() ->
              metric(server, "capture_requests_total{reason=\"sampled\",result=\"captured\"}")
                      + metric(
                          server, "capture_requests_total{reason=\"sampled\",result=\"dropped\"}")
                      + metric(
                          server, "capture_requests_total{reason=\"slow\",result=\"captured\"}")
                      + metric(server, "capture_requests_total{reason=\"slow\",result=\"dropped\"}")
                  >= 400);
      loading.set(false);
      watcher.get();

      assertThat(mostBytes.get()).isLessThanOrEqualTo(maxBytes);
      assertThat(mostFiles.get()).isLessThanOrEqualTo(25);
      assertThat(files(dir)).hasSizeLessThanOrEqualTo(25);
      assertThat(metric(server, "capture_evicted_total")).isGreaterThan(0);
      assertThat(metric(server, "capture_files")).isEqualTo(files(dir).size());
      assertThat(metric(server, "capture_bytes")).isEqualTo(bytes(dir));
    }
  }

  @Test
  void credentialsAreNeverWrittenEvenWhenListed() throws Exception {
    Path dir = tmp.resolve("capture");
    try (TestServer server =
        TestServer.start(
            repo(),
            Map.of(
                "admin.token", "admin-secret-0001",
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "1",
                "capture.headers",
                    "authorization,cookie,x-api-key,x-auth-token,user-agent,content-type"))) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r =
            server.send(
                HttpRequest.newBuilder(server.uri(INFER))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer admin-secret-0001")
                    .header("Cookie", "session=cookie-secret-0002")
                    .header("X-Api-Key", "key-secret-0003")
                    .header("X-Auth-Token", "token-secret-0004")
                    .header("User-Agent", "capture-it")
                    .POST(HttpRequest.BodyPublishers.ofString(tensor(1, 2))));
        assertThat(r.statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> captured(dir).size() == 5);

      for (Path file : files(dir)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text)
            .doesNotContain("secret-000")
            .doesNotContainIgnoringCase("authorization")
            .doesNotContainIgnoringCase("cookie")
            .contains("capture-it");
      }
    }
  }

  @Test
  void aFiveMegabyteBodyIsKeptOnlyUpToThePerRequestCap() throws Exception {
    Path dir = tmp.resolve("capture");
    try (TestServer server =
        TestServer.start(
            repo(),
            Map.of(
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "0",
                "capture.max_request_bytes", "64KiB"))) {
      byte[] big = new byte[5 * 1024 * 1024];
      java.util.Arrays.fill(big, (byte) 'a');
      HttpResponse<String> r =
          server.send(
              HttpRequest.newBuilder(server.uri(INFER))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
      assertThat(r.statusCode()).isEqualTo(400);
      await().atMost(Duration.ofSeconds(10)).until(() -> captured(dir).size() == 1);

      Path file = files(dir).getFirst();
      assertThat(Files.size(file)).isLessThan(2 * 64 * 1024 + 8 * 1024);
      JsonNode entry = captured(dir).getFirst();
      assertThat(entry.path("reason").asText()).isEqualTo("failed");
      assertThat(entry.at("/request/body_bytes").asLong()).isEqualTo(big.length);
      assertThat(entry.at("/request/body_truncated").asBoolean()).isTrue();
      assertThat(entry.at("/request/body").asText()).hasSize(64 * 1024);
      assertThat(entry.at("/response/status").asInt()).isEqualTo(400);
    }
  }

  @Test
  void theDirectoryAndItsFilesAreOwnerOnly() throws Exception {
    Path dir = tmp.resolve("a/b/capture");
    try (TestServer server =
        TestServer.start(
            repo(),
            Map.of(
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "1"))) {
      assertThat(server.postJson(INFER, tensor(1, 2)).statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> captured(dir).size() == 1);

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(files(dir))
          .allSatisfy(f ->
              assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                  .isEqualTo("rw-------"));
    }
  }

  @Test
  void atRatioZeroOnlyFailedAndSlowRequestsAreCaptured() throws Exception {
    Path dir = tmp.resolve("capture");
    FaultRuntime runtime = new FaultRuntime();
    try (TestServer server =
        TestServer.start(
            repo(),
            Map.of(
                "capture.enabled", "true",
                "capture.dir", dir.toString(),
                "capture.ratio", "0",
                "capture.slow_threshold", "300ms"),
            runtime,
            true)) {
      for (int i = 0; i < 10; i++) {
        assertThat(server.postJson(INFER, tensor(i, i)).statusCode()).isEqualTo(200);
      }
      runtime.inject(FaultRuntime.Fault.OUT_OF_MEMORY);
      assertThat(server.postJson(INFER, tensor(5, 5)).statusCode()).isEqualTo(503);
      runtime.inject(FaultRuntime.Fault.HANG);
      CompletableFuture<HttpResponse<String>> slow =
          CompletableFuture.supplyAsync(() -> server.postJson(INFER, tensor(7, 7)));
      assertThat(runtime.awaitHangingRun(Duration.ofSeconds(10))).isTrue();
      Thread.sleep(400); // the run must outlast capture.slow_threshold; no event says when it has
      runtime.release();
      assertThat(slow.get().statusCode()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).until(() -> captured(dir).size() == 2);
      List<JsonNode> entries = captured(dir);
      assertThat(entries)
          .extracting(e -> e.path("reason").asText(), e -> e.at("/response/status").asInt())
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("failed", 503),
              org.assertj.core.groups.Tuple.tuple("slow", 200));
      assertThat(metric(server, "capture_requests_total{reason=\"failed\",result=\"captured\"}"))
          .isEqualTo(1);
      assertThat(metric(server, "capture_requests_total{reason=\"slow\",result=\"captured\"}"))
          .isEqualTo(1);
    }
  }
}
