package dev.argus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  @TempDir Path repo;

  @Test
  void servesTheHighestNumericVersion() throws Exception {
    model("m", "kind: tensor\n", "1", "2", "10");

    ModelRepository.ModelSource source = new ModelRepository(repo).resolve("m");

    assertThat(source.version()).isEqualTo("10");
    assertThat(source.modelFile()).isEqualTo(repo.resolve("m/10/model.onnx"));
  }

  @Test
  void listsOnlyFoldersWithModelYamlAndValidNames() throws Exception {
    model("b", "kind: tensor\n", "1");
    model("a", "kind: tensor\n", "1");
    Files.createDirectories(repo.resolve("not-a-model"));
    model(".hidden", "kind: tensor\n", "1");

    assertThat(new ModelRepository(repo).modelNames()).containsExactly("a", "b");
  }

  @Test
  void missingVersionIsNamed() throws Exception {
    model("m", "kind: tensor\n");

    assertThatThrownBy(() -> new ModelRepository(repo).resolve("m"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no version folder");
  }

  @Test
  void invalidModelYamlIsNamed() throws Exception {
    model("m", "kind: spaceship\n", "1");

    assertThatThrownBy(() -> new ModelRepository(repo).resolve("m"))
        .hasMessageContaining("kind: spaceship");
  }

  @Test
  void namesThatCouldEscapeTheRepositoryAreInvalid() {
    assertThat(ModelRepository.isValidName("image-triage")).isTrue();
    assertThat(ModelRepository.isValidName("v1.2_x")).isTrue();
    assertThat(ModelRepository.isValidName("../etc")).isFalse();
    assertThat(ModelRepository.isValidName("a..b")).isFalse();
    assertThat(ModelRepository.isValidName("a/b")).isFalse();
    assertThat(ModelRepository.isValidName("x".repeat(65))).isFalse();
    assertThat(ModelRepository.isValidName(null)).isFalse();
    assertThatThrownBy(() -> new ModelRepository(repo).resolve("../x"))
        .hasMessageContaining("not a valid model name");
  }

  @Test
  void repositoryThatIsNotADirectoryIsAConfigError() {
    assertThatThrownBy(() -> new ModelRepository(repo.resolve("missing")).modelNames())
        .hasMessageContaining("models.repository");
  }

  private void model(String name, String yaml, String... versions) throws Exception {
    Path dir = Files.createDirectories(repo.resolve(name));
    Files.writeString(dir.resolve("model.yaml"), yaml);
    for (String v : versions) {
      Files.createDirectories(dir.resolve(v));
      Files.writeString(dir.resolve(v).resolve("model.onnx"), "x");
    }
  }
}
