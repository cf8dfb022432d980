package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent requests to a real model share batches, and every answer is still right. */
class BatchingIT {
  @TempDir Path repo;

  @Test
  void concurrentRequestsShareBatchesAndEachGetsItsOwnAnswer() throws Exception {
    TestModels.addImageTriage(
        repo, "max_batch_size: 8\nmax_queue_delay: 20ms\nqueue_capacity: 64\n");
    List<Path> photos = TestModels.labelledPhotos();
    try (TestServer server = TestServer.start(repo, Map.of());
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        byte[] photo = Files.readAllBytes(photos.get(i % photos.size()));
        answers.add(
            clients.submit(
                (Callable<HttpResponse<String>>) () -> server.postMultipart("/predict", photo)));
      }

      for (int i = 0; i < 32; i++) {
        HttpResponse<String> r = answers.get(i).get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(TestServer.json(r).path("prediction").asText())
            .isEqualTo(TestModels.expectedClass(photos.get(i % photos.size())));
      }
      JsonNode stats =
          TestServer.json(server.get("/v2/models/image-triage/stats")).path("model_stats").get(0);
      assertThat(stats.path("inference_count").asLong()).isEqualTo(32);
      assertThat(stats.path("execution_count").asLong()).isLessThan(32);
      assertThat(stats.path("batch_stats").findValues("batch_size"))
          .anySatisfy(size -> assertThat(size.asInt()).isGreaterThan(1));
      assertThat(stats.path("inference_stats").path("compute_infer").path("ns").asLong())
          .isPositive();
    }
  }

  @Test
  void statsOfAnUnknownModelIs404() throws Exception {
    TestModels.addImageTriage(repo);
    try (TestServer server = TestServer.start(repo, Map.of())) {
      HttpResponse<String> r = server.get("/v2/models/nope/stats");

      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(TestServer.json(r).path("error_type").asText()).isEqualTo("unknown_model");
    }
  }

  @Test
  void requestTimeoutHeaderLowersTheDeadline() throws Exception {
    TestModels.addImageTriage(repo);
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer server = TestServer.start(repo, Map.of())) {
      // Decoding a 250 KB JPEG alone takes longer than 1 ms, so the deadline passes first.
      HttpResponse<String> late =
          server.send(multipart(server, photo).header("X-Request-Timeout-Ms", "1"));
      HttpResponse<String> bad =
          server.send(multipart(server, photo).header("X-Request-Timeout-Ms", "soon"));
      HttpResponse<String> generous =
          server.send(multipart(server, photo).header("X-Request-Timeout-Ms", "999999999"));

      assertThat(late.statusCode()).isEqualTo(504);
      assertThat(TestServer.json(late).path("error_type").asText()).isEqualTo("timeout");
      assertThat(TestServer.json(late).path("error").asText()).contains("deadline of 1 ms");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(bad).path("error").asText()).contains("X-Request-Timeout-Ms");
      assertThat(generous.statusCode()).isEqualTo(200);
    }
  }

  private static HttpRequest.Builder multipart(TestServer server, byte[] photo) {
    return HttpRequest.newBuilder(server.uri("/predict"))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofByteArray(TestServer.multipart("b", "file", photo)));
  }
}
