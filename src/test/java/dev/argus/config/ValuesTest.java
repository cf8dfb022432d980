package dev.argus.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.model.ModelSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {
  @ParameterizedTest
  @CsvSource({"500us,PT0.0005S", "5ms,PT0.005S", "30s,PT30S", "2m,PT2M", "1h,PT1H", "30d,PT720H"})
  void parsesDurations(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
    assertThat(Durations.parse(Durations.format(expected))).isEqualTo(expected);
  }

  @Test
  void refusesDurationWithoutUnit() {
    assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("'30' is not a duration");
  }

  @ParameterizedTest
  @CsvSource({
    "1024,1024",
    "16MiB,16777216",
    "2KiB,2048",
    "1MB,1000000",
    "1GiB,1073741824",
    "3kb,3000"
  })
  void parsesSizes(String text, long bytes) {
    assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
  }

  @Test
  void refusesUnknownSizeUnit() {
    assertThatThrownBy(() -> ByteSizes.parse("3 parsecs")).hasMessageContaining("not a size");
  }

  @Test
  void modelSettingsDefaultToATensorModel() {
    ModelSettings s =
        YamlBinder.bind(
            YamlBinder.readTree("{}", "test"), ModelSettings.class, "model.yaml", Map.of());

    assertThat(s.isImageClassifier()).isFalse();
    assertThat(s.topK()).isEqualTo(5);
    assertThat(s.labelsFile()).isEmpty();
    assertThat(s.output().isLogits()).isFalse();
  }

  @Test
  void imageClassifierNeedsPreprocessing() {
    assertThatThrownBy(() ->
            YamlBinder.bind(
                YamlBinder.readTree("kind: image_classifier", "test"),
                ModelSettings.class,
                "model.yaml",
                Map.of()))
        .hasMessageContaining("preprocessing");
  }

  @Test
  void shorterSideCropMustFit() {
    String yaml =
        "kind: image_classifier\npreprocessing: {resize: shorter_side, shorter_side: 256, crop: 300}";

    assertThatThrownBy(() ->
            YamlBinder.bind(
                YamlBinder.readTree(yaml, "test"), ModelSettings.class, "model.yaml", Map.of()))
        .hasMessageContaining("preprocessing.crop: 300");
  }

  @Test
  void shorterSideGivesCropSizedOutput() {
    String yaml =
        "kind: image_classifier\npreprocessing: {resize: shorter_side, shorter_side: 256, crop: 224, std: [0.5, 0.5, 0.5]}";

    ModelSettings s =
        YamlBinder.bind(
            YamlBinder.readTree(yaml, "test"), ModelSettings.class, "model.yaml", Map.of());

    assertThat(s.preprocessing().outputWidth()).isEqualTo(224);
    assertThat(s.preprocessing().outputHeight()).isEqualTo(224);
  }
}
