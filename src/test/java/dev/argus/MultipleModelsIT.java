package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real models with different preprocessing served at once and routed by name: image-triage
 * (224x224, ImageNet normalisation) and PP-OCR's text-orientation classifier (192x48, [-1, 1]).
 */
class MultipleModelsIT {
  @TempDir static Path repo;
  private static TestServer server;

  @BeforeAll
  static void start() {
    TestModels.addImageTriage(repo);
    TestModels.addTextOrientation(repo);
    server = TestServer.start(repo, Map.of("models.default_model", "image-triage"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void uprightTextLineIsClassifiedAsZeroDegrees() throws IOException {
    JsonNode body =
        TestServer.json(server.postMultipart("/predict/text-orientation", png(textLine(false))));

    assertThat(body.path("model").asText()).isEqualTo("text-orientation");
    assertThat(body.path("prediction").asText()).isEqualTo("0");
  }

  @Test
  void upsideDownTextLineIsClassifiedAs180Degrees() throws IOException {
    JsonNode body =
        TestServer.json(server.postMultipart("/predict/text-orientation", png(textLine(true))));

    assertThat(body.path("prediction").asText()).isEqualTo("180");
  }

  @Test
  void imageTriageKeepsServingBesideIt() throws IOException {
    Path photo = TestModels.labelledPhotos().get(0);

    JsonNode body = TestServer.json(server.postMultipart("/predict", Files.readAllBytes(photo)));

    assertThat(body.path("model").asText()).isEqualTo("image-triage");
    assertThat(body.path("prediction").asText()).isEqualTo(TestModels.expectedClass(photo));
  }

  @Test
  void bothModelsAreListedAsReady() {
    JsonNode body = TestServer.json(server.get("/"));

    assertThat(body.path("models").findValuesAsText("name"))
        .containsExactly("image-triage", "text-orientation");
    assertThat(body.path("models").findValuesAsText("state")).containsOnly("ready");
  }

  /** A line of dark text on a light background, the kind of crop PP-OCR classifies. */
  static BufferedImage textLine(boolean upsideDown) {
    BufferedImage image = new BufferedImage(384, 96, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 384, 96);
    if (upsideDown) {
      g.setTransform(AffineTransform.getRotateInstance(Math.PI, 192, 48));
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 56));
    g.drawString("Invoice 2026", 14, 68);
    g.dispose();
    return image;
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
