package dev.argus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.argus.service.ArgusException;
import dev.argus.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package map of docs/architecture.md: dependencies point downward only. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.argus");

  private static final String[] CORE = {
    "dev.argus.service..",
    "dev.argus.health..",
    "dev.argus.batching..",
    "dev.argus.image..",
    "dev.argus.model..",
    "dev.argus.observe..",
    "dev.argus.tensor..",
    "dev.argus.config.."
  };

  @Test
  void packagesDependOnlyOnWhatTheMapAllows() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("entry")
        .definedBy("dev.argus")
        .layer("cli")
        .definedBy("dev.argus.cli..")
        .layer("server")
        .definedBy("dev.argus.server..")
        .layer("replay")
        .definedBy("dev.argus.replay..")
        .layer("http")
        .definedBy("dev.argus.transport.http..")
        .layer("grpc")
        .definedBy("dev.argus.transport.grpc..")
        .layer("edge")
        .definedBy("dev.argus.transport.edge..")
        .layer("health")
        .definedBy("dev.argus.health..")
        .layer("service")
        .definedBy("dev.argus.service..")
        .layer("batching")
        .definedBy("dev.argus.batching..")
        .layer("image")
        .definedBy("dev.argus.image..")
        .layer("model")
        .definedBy("dev.argus.model..")
        .layer("observe")
        .definedBy("dev.argus.observe..")
        .layer("tensor")
        .definedBy("dev.argus.tensor..")
        .layer("config")
        .definedBy("dev.argus.config..")
        .whereLayer("entry")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("cli")
        .mayOnlyBeAccessedByLayers("entry")
        .whereLayer("server")
        .mayOnlyBeAccessedByLayers("entry", "cli")
        .whereLayer("replay")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("grpc")
        .mayOnlyBeAccessedByLayers("server")
        .whereLayer("edge")
        .mayOnlyBeAccessedByLayers("server", "http", "grpc")
        .whereLayer("health")
        .mayOnlyBeAccessedByLayers("server", "http", "grpc")
        .whereLayer("service")
        .mayOnlyBeAccessedByLayers("cli", "server", "http", "grpc", "edge", "health")
        .whereLayer("batching")
        .mayOnlyBeAccessedByLayers("server", "http", "grpc", "service")
        .whereLayer("image")
        .mayOnlyBeAccessedByLayers("server", "service")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("cli", "server", "http", "grpc", "health", "service", "batching")
        .whereLayer("observe")
        .mayOnlyBeAccessedByLayers(
            "cli", "server", "replay", "http", "grpc", "edge", "service", "batching")
        .whereLayer("tensor")
        .mayOnlyBeAccessedByLayers(
            "server",
            "replay",
            "http",
            "grpc",
            "edge",
            "service",
            "batching",
            "image",
            "model",
            "observe")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers(
            "cli", "server", "replay", "http", "grpc", "edge", "service", "model", "observe")
        .allowEmptyShould(true)
        .check(CLASSES);
  }

  @Test
  void nothingBelowTheTransportKnowsAProtocolOrHelidon() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.argus.transport..", "io.helidon..", "io.grpc..")
        .check(CLASSES);
  }

  @Test
  void onlyTheGrpcTransportKnowsGrpcOrProtobuf() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.argus.transport.grpc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.grpc..", "com.google.protobuf..")
        .check(CLASSES);
  }

  @Test
  void onlyTheServerTheEdgeAndReplayKnowTheRequestCapture() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.argus.observe.capture..",
            "dev.argus.server..",
            "dev.argus.transport.edge..",
            "dev.argus.transport.http",
            "dev.argus.replay..",
            "dev.argus.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.argus.observe.capture..")
        .check(CLASSES);
  }

  @Test
  void onlyTheOnnxAdapterImportsOnnxRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.argus.model.onnx..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.onnxruntime..")
        .check(CLASSES);
  }

  @Test
  void onlyObservationAndTheTransportUseOpenTelemetry() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.argus.observe..", "dev.argus.transport..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.opentelemetry..")
        .check(CLASSES);
  }

  @Test
  void onlyTheHttpServerKnowsTheConsoleWhichChangesNothingItself() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.argus.transport.http.console..")
        .and()
        .doNotHaveFullyQualifiedName("dev.argus.transport.http.HttpServer")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.argus.transport.http.console..")
        .check(CLASSES);
    // Load and unload go through the repository endpoints, behind the admin token.
    noClasses()
        .that()
        .resideInAPackage("dev.argus.transport.http.console..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.argus.service.ModelLifecycle")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("dev.argus.service.InferenceService")
        .check(CLASSES);
  }

  @Test
  void theDomainsFailuresAreInferenceFailuresOnly() {
    assertThat(
            Arrays.stream(ArgusException.class.getPermittedSubclasses()).map(Class::getSimpleName))
        .containsExactlyInAnyOrder(
            "InvalidInput",
            "NotFound",
            "ModelNotReady",
            "QueueFull",
            "ShuttingDown",
            "DeadlineExceeded",
            "Cancelled",
            "InferenceFailed");
  }

  @Test
  void noSourceFileIsAHub() throws IOException {
    Map<String, Long> tooLong = new LinkedHashMap<>();
    Path main = TestModels.projectRoot().resolve("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        long lines = Files.lines(f).count();
        String name = main.relativize(f).toString();
        long limit = name.endsWith("service/InferenceService.java") ? 300 : 400;
        if (lines >= limit) {
          tooLong.put(name, lines);
        }
      }
    }
    assertThat(tooLong).as("files of 400 lines or more (InferenceService: 300)").isEmpty();
  }
}
