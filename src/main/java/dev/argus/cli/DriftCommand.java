package dev.argus.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigLoader;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LogSetup;
import dev.argus.observe.RequestRecord;
import dev.argus.server.ArgusCore;
import dev.argus.service.ArgusException;
import dev.argus.service.InferenceService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code argus drift baseline}: a model's drift reference from representative images. */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = "Drift monitoring.",
    subcommands = {DriftCommand.Baseline.class})
public final class DriftCommand {
  @Command(
      name = "baseline",
      mixinStandardHelpOptions = true,
      description =
          "Run a folder of representative images through a model and write its drift reference"
              + " (default: <repository>/<model>/drift-reference.json).")
  static final class Baseline implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "The model")
    String model;

    @Option(names = "--images", required = true, description = "Folder of representative images")
    Path images;

    @Option(
        names = "--model-repository",
        defaultValue = "models",
        description = "Model repository (default: ${DEFAULT-VALUE})")
    Path repository;

    @Option(names = "--out", description = "Where to write the reference")
    Path out;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      List<Path> files;
      try (var list = Files.list(images)) {
        files = list.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        err.println("argus drift baseline: cannot read " + images + ": " + e.getMessage());
        return 2;
      }
      if (files.size() < 10) {
        err.println(
            "argus drift baseline: " + files.size() + " files in " + images + " (expected: >= 10)");
        return 2;
      }
      ArgusConfig cfg = ConfigLoader.load(null, Map.of(), settings(files.size())).config();
      LogSetup.configure(cfg.logging(), true);
      // The same pipeline a request goes through, called in process: no listener, no loopback.
      try (ArgusCore core = ArgusCore.create(cfg, new OnnxModelRuntime())) {
        core.loadModels();
        if (!core.awaitModelsLoaded(120, TimeUnit.SECONDS)) {
          err.println("argus drift baseline: models did not load within 120 s");
          return 1;
        }
        core.drift().startReference(model);
        int skipped = 0;
        for (Path file : files) {
          try {
            core.service()
                .classify(
                    new InferenceService.ImageRequest(model, Files.readAllBytes(file), 1),
                    Duration.ofSeconds(60),
                    RequestRecord.internal("drift-baseline"));
          } catch (ArgusException e) {
            err.println("argus drift baseline: skipped " + file + ": " + e.getMessage());
            skipped++;
          }
        }
        if (skipped > 0) {
          err.println("argus drift baseline: " + skipped + " files were not usable images");
          return 1;
        }
        var reference = core.drift().referenceJson(model).orElseThrow();
        Path target =
            out != null ? out : repository.resolve(model).resolve(DriftMonitor.REFERENCE_FILE);
        Files.writeString(
            target,
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(reference));
        spec.commandLine()
            .getOut()
            .println(
                "wrote the drift reference of "
                    + model
                    + " ("
                    + files.size()
                    + " images) to "
                    + target);
        return 0;
      }
    }

    /** A server-less configuration whose drift reference is exactly these images. */
    private Map<String, String> settings(int images) {
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("models.repository", repository.toString());
      flags.put("metrics.enabled", "false");
      flags.put("drift.reference_size", String.valueOf(images));
      flags.put("drift.window", String.valueOf(Math.max(images, 10)));
      flags.put("drift.min_samples", "5");
      flags.put("logging.level", "WARN");
      return flags;
    }
  }
}
