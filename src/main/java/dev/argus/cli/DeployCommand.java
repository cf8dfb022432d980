package dev.argus.cli;

import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.observe.MetricRename;
import dev.argus.observe.SloRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code argus deploy render}: the shipped rules, SLO rules, dashboards and autoscaling adapter
 * rules as they must be for this configuration: metric names under {@code metrics.prefix}, SLO
 * rules from {@code slo.objectives}.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Deployment files that follow the configuration.",
    subcommands = {DeployCommand.Render.class})
public final class DeployCommand {
  /** The files of deploy/ that name metrics, relative to it. */
  static final List<String> FILES =
      List.of(
          "prometheus/argus-rules.yaml",
          "grafana/argus-overview.json",
          "grafana/argus-models.json",
          "grafana/argus-slo.json",
          "kubernetes/base/prometheus-adapter-rules.yaml");

  @Command(
      name = "render",
      mixinStandardHelpOptions = true,
      description =
          "Write deploy/'s rules, dashboards and adapter rules with the configured metrics.prefix,"
              + " and the SLO rules of slo.objectives, into --out.")
  static final class Render implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        description = "argus.yaml to read (default: $ARGUS_CONFIG, else ./argus.yaml if present)")
    Path config;

    @Option(
        names = "--from",
        defaultValue = "deploy",
        description = "The shipped deploy folder (default: ${DEFAULT-VALUE})")
    Path from;

    @Option(names = "--out", required = true, description = "Where to write the files")
    Path out;

    @Override
    public Integer call() throws IOException {
      PrintWriter err = spec.commandLine().getErr();
      ArgusConfig cfg;
      try {
        cfg = ConfigFiles.load(config, ConfigFiles.environment(), Map.of()).config();
      } catch (ConfigException | IllegalArgumentException e) {
        err.println("argus: invalid configuration: " + e.getMessage());
        return 2;
      }
      String prefix = cfg.metrics().prefix();
      for (String file : FILES) {
        Path source = from.resolve(file);
        if (!Files.isRegularFile(source)) {
          err.println(
              "argus deploy render: " + source + " does not exist (--from: the deploy folder)");
          return 2;
        }
        write(out.resolve(file), MetricRename.apply(Files.readString(source), prefix));
      }
      write(out.resolve("prometheus/slo-rules.yaml"), SloRules.generate(cfg.slo(), prefix));
      spec.commandLine()
          .getOut()
          .println(
              "wrote "
                  + (FILES.size() + 1)
                  + " files to "
                  + out
                  + (prefix.isEmpty() ? "" : " with metrics.prefix " + prefix));
      return 0;
    }

    private static void write(Path target, String text) throws IOException {
      Files.createDirectories(target.getParent());
      Files.writeString(target, text);
    }
  }
}
