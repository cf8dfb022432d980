package dev.argus.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.observe.capture.CapturedRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static CapturedRequest captured(
      String route, int status, byte[] answer, String headerLength) {
    Map<String, String> headers = new HashMap<>();
    if (headerLength != null) {
      headers.put("inference-header-content-length", headerLength);
    }
    return new CapturedRequest(
        0,
        "id",
        "",
        "http",
        "sampled",
        "POST",
        route,
        route,
        "m",
        "1",
        Map.of(),
        CapturedRequest.Body.EMPTY,
        new CapturedRequest.Response(
            status,
            "success",
            "",
            "",
            headers,
            CapturedRequest.Body.of(answer, 1 << 20),
            "",
            Double.NaN,
            1,
            Map.of(),
            1));
  }

  private static String classifier(String top, double a, double b) {
    return """
    {"prediction": "%s", "confidence": %s, "predictions": [
      {"label": "food", "class_id": 0, "confidence": %s},
      {"label": "other", "class_id": 2, "confidence": %s}]}\
    """
        .formatted(top, Math.max(a, b), a, b);
  }

  private static Comparison.Diff compare(
      CapturedRequest c, int status, byte[] body, String headerLength) {
    return Comparison.compare(
        c, new Comparison.Answer(status, Optional.ofNullable(headerLength), body), 1e-4);
  }

  @Test
  void aClassifierWhoseScoresMoveWithinToleranceIsUnchanged() {
    CapturedRequest c = captured("/predict", 200, utf8(classifier("food", 0.7, 0.3)), null);

    Comparison.Diff d = compare(c, 200, utf8(classifier("food", 0.70005, 0.29995)), null);

    assertThat(d.changed()).isFalse();
    assertThat(d.maxScoreDelta()).isCloseTo(5e-5, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aNewTopOneIsAPredictionChange() {
    CapturedRequest c = captured("/predict/{model}", 200, utf8(classifier("food", 0.6, 0.4)), null);

    Comparison.Diff d = compare(c, 200, utf8(classifier("other", 0.4, 0.6)), null);

    assertThat(d.changed()).isTrue();
    assertThat(d.predictionChanged()).isTrue();
    assertThat(d.note()).isEqualTo("top-1 food -> other");
    assertThat(d.maxScoreDelta()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aDifferentStatusIsAChangeWhateverTheBody() {
    CapturedRequest c = captured("/predict", 200, utf8(classifier("food", 0.6, 0.4)), null);

    Comparison.Diff d = compare(c, 503, utf8("{\"error\":\"x\"}"), null);

    assertThat(d.changed()).isTrue();
    assertThat(d.statusChanged()).isTrue();
  }

  @Test
  void aBinaryAnswerComparesWithAJsonOneElementByElement() {
    String route = "/v2/models/{model}/infer";
    byte[] json =
        utf8(
            "{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,-2.0]}]}");
    String header =
        "{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":8}}]}";
    ByteBuffer binary = ByteBuffer.allocate(header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
    binary.put(utf8(header)).putFloat(1.5f).putFloat(-2.5f);

    Comparison.Diff d =
        compare(
            captured(route, 200, json, null), 200, binary.array(), String.valueOf(header.length()));

    assertThat(d.kind()).isEqualTo("tensor");
    assertThat(d.maxAbsDiff()).isEqualTo(0.5);
    assertThat(d.changed()).isTrue();
  }

  @Test
  void aChangedShapeIsAChangeOfItsOwn() {
    String route = "/v2/models/{model}/infer";
    byte[] before =
        utf8(
            "{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]}]}");
    byte[] after =
        utf8(
            "{\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[2,1],\"data\":[1,2]}]}");

    Comparison.Diff d = compare(captured(route, 200, before, null), 200, after, null);

    assertThat(d.changed()).isTrue();
    assertThat(d.note()).contains("FP32[1, 2] -> FP32[2, 1]");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] v = {5, 1, 4, 2, 3, Double.NaN};

    assertThat(ReplayReport.percentile(v, 50)).isEqualTo(3);
    assertThat(ReplayReport.percentile(v, 99)).isEqualTo(5);
    assertThat(ReplayReport.percentile(new double[0], 50)).isNaN();
  }
}
