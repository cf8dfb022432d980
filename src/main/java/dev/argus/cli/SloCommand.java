package dev.argus.cli;

import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.observe.SloRules;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code argus slo rules}: Prometheus rules generated from the configured objectives. */
@Command(
    name = "slo",
    mixinStandardHelpOptions = true,
    description = "Service level objectives (slo.objectives of argus.yaml).",
    subcommands = {SloCommand.Rules.class})
public final class SloCommand {
  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description =
          "Print Prometheus recording rules and multi-window burn-rate alerts for the objectives.")
  static final class Rules implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        description = "argus.yaml to read (default: $ARGUS_CONFIG, else ./argus.yaml if present)")
    Path config;

    @Override
    public Integer call() {
      ArgusConfig cfg;
      try {
        cfg = ConfigFiles.load(config, ConfigFiles.environment(), Map.of()).config();
      } catch (ConfigException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("argus: invalid configuration: " + e.getMessage());
        return 2;
      }
      spec.commandLine().getOut().print(SloRules.generate(cfg.slo(), cfg.metrics().prefix()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
