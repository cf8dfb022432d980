package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.image.ImageDecoder;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.LogCapture;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The server decodes JPEGs with libjpeg-turbo when it can, says so at start and in {@code
 * argus_build_info}, and answers exactly what the ImageIO path answers for every bundled photo.
 */
class JpegDecoderIT {
  @Test
  void turboJpegServesTheSamePredictionsAsImageIoAndSaysWhichDecoderRuns() throws Exception {
    ExternalTools.requireLibrary(
        new ImageDecoder(1).jpegDecoder().equals(ImageDecoder.TURBOJPEG),
        "libturbojpeg",
        "libturbojpeg0");
    Path repo = TestModels.bundledRepository();
    try (LogCapture logs = LogCapture.start();
        TestServer fast = TestServer.start(repo, Map.of());
        TestServer exact = TestServer.start(repo, Map.of("images.jpeg_decoder", "imageio"))) {
      assertThat(fast.get("/metrics").body()).contains("jpeg_decoder=\"turbojpeg\"");
      assertThat(exact.get("/metrics").body()).contains("jpeg_decoder=\"imageio\"");
      assertThat(logs.events().stream().map(ILoggingEvent::getFormattedMessage))
          .contains("JPEG decoder: libturbojpeg")
          .contains("JPEG decoder: ImageIO (images.jpeg_decoder: imageio)");
      List<Path> photos = TestModels.labelledPhotos();
      for (int i = 0; i < photos.size(); i++) {
        JsonNode a =
            TestServer.json(fast.postMultipart("/predict", TestModels.labelledPhotosBytes(i)));
        JsonNode b =
            TestServer.json(exact.postMultipart("/predict", TestModels.labelledPhotosBytes(i)));
        assertThat(a.path("prediction").asText())
            .isEqualTo(TestModels.expectedClass(photos.get(i)))
            .isEqualTo(b.path("prediction").asText());
        assertThat(a.path("confidence").asDouble()).isEqualTo(b.path("confidence").asDouble());
      }
    }
  }
}
