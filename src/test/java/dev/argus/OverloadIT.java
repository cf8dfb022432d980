package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
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
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offered load far above capacity: the excess is shed with 503 and Retry-After, nothing fails with
 * 500, nothing waits past its deadline, and the server serves normally right after. Load is shed
 * where the bottleneck is: at the model's queue when compute is slowest, at admission when decoding
 * is.
 */
class OverloadIT {
  private static final int CONCURRENT = 96;
  private static final long TIMEOUT_MS = 3000;

  @TempDir Path repo;

  private record Outcome(HttpResponse<String> response, long millis) {}

  @Test
  void smallQueueShedsWhenTheModelIsTheBottleneck() throws Exception {
    TestModels.addImageTriage(repo, "max_batch_size: 2\nmax_queue_delay: 1ms\nqueue_capacity: 2\n");
    byte[] small = smallJpeg();
    try (TestServer server = start(1000)) {
      int shed = assertShedCleanly(server, small, "queue of 2 is full");

      long rejected =
          TestServer.json(server.get("/v2/models/image-triage/stats"))
              .path("model_stats")
              .get(0)
              .path("rejected_count")
              .asLong();
      assertThat(rejected).isEqualTo(shed);
      assertRecovers(server, small);
    }
  }

  @Test
  void admissionLimitShedsBeforeDecodingPilesUp() throws Exception {
    TestModels.addImageTriage(repo);
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer server = start(8)) {
      assertShedCleanly(server, photo, "limits.max_concurrent_predictions");
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
      assertRecovers(server, photo);
    }
  }

  /** A server on {@link #repo} with the test deadline and this admission limit. */
  private TestServer start(int maxConcurrentPredictions) {
    return TestServer.start(
        repo,
        Map.of(
            "server.request_timeout",
            TIMEOUT_MS + "ms",
            "limits.max_concurrent_predictions",
            String.valueOf(maxConcurrentPredictions)));
  }

  /** Fires {@link #CONCURRENT} requests at once; returns how many were shed. */
  private static int assertShedCleanly(TestServer server, byte[] image, String shedMessage)
      throws Exception {
    List<Future<Outcome>> outcomes = new ArrayList<>();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < CONCURRENT; i++) {
        outcomes.add(
            clients.submit(
                (Callable<Outcome>)
                    () -> {
                      long start = System.nanoTime();
                      HttpResponse<String> r = server.postMultipart("/predict", image);
                      return new Outcome(r, (System.nanoTime() - start) / 1_000_000);
                    }));
      }
    }
    int ok = 0;
    int shed = 0;
    for (Future<Outcome> f : outcomes) {
      Outcome o = f.get();
      int status = o.response().statusCode();
      assertThat(status).as(o.response().body()).isIn(200, 503);
      if (status == 503) {
        shed++;
        assertThat(o.response().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestServer.json(o.response()).path("error_type").asText())
            .isEqualTo("queue_full");
        assertThat(TestServer.json(o.response()).path("error").asText()).contains(shedMessage);
      } else {
        ok++;
      }
      // No answer waits past the deadline (plus time to read the upload and write the answer).
      assertThat(o.millis()).isLessThan(TIMEOUT_MS + 2000);
    }
    assertThat(shed).as("requests shed").isPositive();
    assertThat(ok).as("requests served").isPositive();
    return shed;
  }

  private static void assertRecovers(TestServer server, byte[] image) {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> after = server.postMultipart("/predict", image);
      assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
    }
    assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
  }

  /** A 224x224 JPEG of a real photo: cheap to decode, so the model is the slowest step. */
  private static byte[] smallJpeg() throws Exception {
    BufferedImage photo = ImageIO.read(TestModels.labelledPhotos().get(0).toFile());
    BufferedImage small = new BufferedImage(224, 224, BufferedImage.TYPE_3BYTE_BGR);
    small.createGraphics().drawImage(photo, 0, 0, 224, 224, null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(small, "jpg", out);
    return out.toByteArray();
  }
}
