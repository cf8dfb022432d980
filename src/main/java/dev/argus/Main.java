package dev.argus;

import dev.argus.cli.DeployCommand;
import dev.argus.cli.DriftCommand;
import dev.argus.cli.PredictCommand;
import dev.argus.cli.ReplayCommand;
import dev.argus.cli.ServeCommand;
import dev.argus.cli.SloCommand;
import dev.argus.server.ArgusServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code argus} command line; each subcommand is a class of {@code dev.argus.cli}. */
@Command(
    name = "argus",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Argus: an ONNX model inference server that can be operated in production.",
    subcommands = {
      ServeCommand.class,
      PredictCommand.class,
      SloCommand.class,
      DriftCommand.class,
      DeployCommand.class,
      ReplayCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  /** Runs the command line with its output and errors sent to the given writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new Main()).setOut(out).setErr(err).execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"argus " + ArgusServer.version()};
    }
  }
}
