package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.testing.ServerProcess;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of valid 36-Mpixel images at a small heap (a server process with {@code -Xmx256m}): the
 * decoded-bytes budget sheds them with 503 before their pixels are allocated, the heap never runs
 * out, nobody is told their image is bad, and the model serves right after.
 */
class MemoryBudgetIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void largeImagesAreShedBeforeTheyExhaustASmallHeap() throws Exception {
    byte[] large = png(6000, 6000);
    try (ServerProcess server =
            ServerProcess.start(
                dir, TestModels.bundledRepository(), List.of("-Xmx256m"), Map.of());
        HttpClient client = HttpClient.newHttpClient();
        ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        answers.add(clients.submit(() -> post(client, server, large)));
      }
      int shed = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
        if (r.statusCode() == 503) {
          shed++;
          JsonNode body = JSON.readTree(r.body());
          assertThat(body.path("error_type").asText()).isEqualTo("queue_full");
          assertThat(body.path("error").asText()).contains("limits.max_decoded_bytes");
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
        }
      }
      assertThat(shed).as("images shed").isPositive();
      HttpResponse<String> after = post(client, server, TestModels.labelledPhotosBytes(0));
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
      assertThat(server.log()).doesNotContain("OutOfMemoryError");
      String metrics = server.get("/metrics").body();
      assertThat(metrics)
          .contains("inference_rejected_total{model=\"image-triage\",reason=\"memory\"}");
    }
  }

  private static HttpResponse<String> post(HttpClient client, ServerProcess server, byte[] image)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(server.uri("/predict"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "multipart/form-data; boundary=b")
            .POST(HttpRequest.BodyPublishers.ofByteArray(TestServer.multipart("b", "file", image)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A valid PNG of {@code width x height}: large when decoded, small as a file. */
  private static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(200, 120, 40));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
