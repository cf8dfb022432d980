package dev.argus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.config.ConfigException;
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

  @Test
  void aFolderWithOnlyAVersionedModelOnnxIsAnAutoConfiguredTensorModel() throws Exception {
    bare(repo.resolve("bare/3"));

    ModelRepository repository = new ModelRepository(repo);
    ModelRepository.ModelSource source = repository.resolve("bare");

    assertThat(repository.modelNames()).containsExactly("bare");
    assertThat(source.autoConfigured()).isTrue();
    assertThat(source.settings().isImageClassifier()).isFalse();
    assertThat(source.version()).isEqualTo("3");
    assertThat(source.directory()).isEqualTo(repo.resolve("bare"));
  }

  @Test
  void aModelOnnxDirectlyInTheModelFolderIsVersionOne() throws Exception {
    bare(repo.resolve("flat"));

    ModelRepository.ModelSource source = new ModelRepository(repo).resolve("flat");

    assertThat(source.version()).isEqualTo("1");
    assertThat(source.modelFile()).isEqualTo(repo.resolve("flat/model.onnx"));
  }

  @Test
  void whatIsNotServedIsListedWithTheReason() throws Exception {
    model("ok", "kind: tensor\n", "1");
    Files.createDirectories(repo.resolve("empty"));
    Files.writeString(repo.resolve("notes.txt"), "x");
    bare(repo.resolve("bad name!"));

    assertThat(new ModelRepository(repo).ignoredEntries())
        .containsExactly(
            "bad name!: not a valid model name (letters, digits, '.', '_', '-')",
            "empty: not a model folder (expected model.yaml or <version>/model.onnx)",
            "notes.txt: not a model folder (expected model.yaml or <version>/model.onnx)");
  }

  @Test
  void aRepositoryPathThatIsAModelOnnxServesThatModelUnderItsFoldersName() throws Exception {
    Path dir = repo.resolve("mnt/models");
    bare(dir);

    ModelRepository repository = new ModelRepository(dir.resolve("model.onnx"));

    assertThat(repository.singleModel()).contains("models");
    assertThat(repository.modelNames()).containsExactly("models");
    assertThat(repository.ignoredEntries()).isEmpty();
    ModelRepository.ModelSource source = repository.resolve("models");
    assertThat(source.modelFile()).isEqualTo(dir.resolve("model.onnx"));
    assertThat(source.autoConfigured()).isTrue();
    assertThatThrownBy(() -> repository.resolve("other"))
        .hasMessageContaining("serves the single model 'models'");
  }

  @Test
  void aRepositoryPathThatIsOneModelFolderTakesTheConfiguredName() throws Exception {
    model("m", "kind: tensor\n", "1", "2");

    ModelRepository repository = new ModelRepository(repo.resolve("m"), "classifier");
    ModelRepository.ModelSource source = repository.resolve("classifier");

    assertThat(repository.modelNames()).containsExactly("classifier");
    assertThat(source.version()).isEqualTo("2");
    assertThat(source.autoConfigured()).isFalse();
  }

  @Test
  void aSingleModelNeedsAValidNameAndAFileNamedModelOnnx() throws Exception {
    Path dir = repo.resolve("has space");
    bare(dir);
    Files.writeString(repo.resolve("weights.bin"), "x");

    assertThatThrownBy(() -> new ModelRepository(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("models.name: 'has space'");
    assertThat(new ModelRepository(dir, "ok").modelNames()).containsExactly("ok");
    assertThatThrownBy(() -> new ModelRepository(repo.resolve("weights.bin")))
        .hasMessageContaining("expected: a directory or a model.onnx file");
  }

  private static void bare(Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("model.onnx"), "x");
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
