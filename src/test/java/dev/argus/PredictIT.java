package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.BundledServerTest;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The bundled model, served from the bundled repository, classifies the labelled photos. */
class PredictIT extends BundledServerTest {

  static java.util.List<Path> photos() {
    return TestModels.labelledPhotos();
  }

  @ParameterizedTest
  @MethodSource("photos")
  void multipartToDefaultModelReturnsTheLabelledClass(Path photo) throws IOException {
    HttpResponse<String> response = server.postMultipart("/predict", Files.readAllBytes(photo));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = TestServer.json(response);
    assertThat(body.path("prediction").asText()).isEqualTo(TestModels.expectedClass(photo));
    assertThat(body.path("model").asText()).isEqualTo("image-triage");
    assertThat(body.path("model_version").asText()).isEqualTo("1");
  }

  @ParameterizedTest
  @MethodSource("photos")
  void base64JsonToNamedModelReturnsTheLabelledClass(Path photo) throws IOException {
    HttpResponse<String> response =
        server.postBase64("/predict/image-triage", Files.readAllBytes(photo));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(TestServer.json(response).path("prediction").asText())
        .isEqualTo(TestModels.expectedClass(photo));
  }

  @Test
  void answerHasEveryFieldAndProbabilitiesSumToOne() throws IOException {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    HttpResponse<String> response = server.postMultipart("/predict?top_k=3", photo);

    JsonNode body = TestServer.json(response);
    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly(
            "model",
            "model_version",
            "prediction",
            "confidence",
            "predictions",
            "inference_time_ms",
            "request_id");
    assertThat(body.path("request_id").asText())
        .isEqualTo(response.headers().firstValue("X-Request-ID").orElseThrow());
    double sum = 0;
    for (JsonNode p : body.path("predictions")) {
      sum += p.path("confidence").asDouble();
      assertThat(p.path("label").asText()).isIn("food", "report", "other");
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(body.path("confidence").asDouble())
        .isEqualTo(body.path("predictions").get(0).path("confidence").asDouble());
    assertThat(body.path("inference_time_ms").asDouble()).isPositive();
  }

  @Test
  void topKLimitsTheNumberOfPredictions() throws IOException {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    String json =
        "{\"image\": \""
            + java.util.Base64.getEncoder().encodeToString(photo)
            + "\", \"top_k\": 1}";

    JsonNode body = TestServer.json(server.postJson("/predict/image-triage", json));

    assertThat(body.path("predictions")).hasSize(1);
  }

  @Test
  void rootDescribesServiceModelsAndEndpoints() {
    JsonNode body = TestServer.json(server.get("/"));

    assertThat(body.path("service").asText()).isEqualTo("argus");
    assertThat(body.path("runtime").asText()).startsWith("onnxruntime ");
    assertThat(body.path("default_model").asText()).isEqualTo("image-triage");
    assertThat(body.path("models").get(0).path("state").asText()).isEqualTo("ready");
    assertThat(body.path("endpoints").findValuesAsText("path"))
        .contains("/predict/{model}", "/readyz");
  }
}
