package dev.argus;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package map of DESIGN.md: dependencies point downward only. */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.argus");

  @Test
  void packagesDependOnlyOnWhatTheDesignAllows() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("main")
        .definedBy("dev.argus")
        .layer("http")
        .definedBy("dev.argus.transport.http..")
        .layer("service")
        .definedBy("dev.argus.service..")
        .layer("health")
        .definedBy("dev.argus.health..")
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
        .whereLayer("main")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("http")
        .mayOnlyBeAccessedByLayers("main")
        .whereLayer("service")
        .mayOnlyBeAccessedByLayers("main", "http")
        .whereLayer("health")
        .mayOnlyBeAccessedByLayers("main", "http")
        .whereLayer("batching")
        .mayOnlyBeAccessedByLayers("main", "service", "health")
        .whereLayer("image")
        .mayOnlyBeAccessedByLayers("main", "service")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("main", "service", "health", "batching")
        .whereLayer("observe")
        .mayOnlyBeAccessedByLayers("main", "http", "service", "batching", "model")
        .whereLayer("tensor")
        .mayOnlyBeAccessedByLayers(
            "main", "http", "service", "batching", "image", "model", "observe")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers("main", "http", "service", "model", "observe")
        .allowEmptyShould(true)
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
  void onlyTheTransportUsesHelidon() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.argus.transport..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.helidon..")
        .check(CLASSES);
  }
}
