package dev.argus.cli;

import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.config.ConfigLoader;
import dev.argus.config.DotEnv;
import dev.argus.observe.LogSetup;
import dev.argus.server.ArgusServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code argus serve}: starts the server and serves until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Start the server (default: the bundled models/ repository on port 8080).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  @Option(
      names = "--config",
      description = "argus.yaml to read (default: $ARGUS_CONFIG, else ./argus.yaml if present)")
  Path config;

  @Option(names = "--host", description = "Address to listen on (server.host)")
  String host;

  @Option(names = "--port", description = "Port to listen on, 0 for any (server.port)")
  Integer port;

  @Option(
      names = "--grpc-port",
      description = "gRPC port, 0 for no gRPC server, -1 for any (grpc.port)")
  Integer grpcPort;

  @Option(
      names = "--model-repository",
      description =
          "Model repository: a folder of models, one model's folder, or a model.onnx"
              + " (models.repository)")
  Path modelRepository;

  @Option(
      names = "--model-name",
      description = "Name of the single model when the repository is one model (models.name)")
  String modelName;

  @Override
  public Integer call() throws InterruptedException {
    ArgusConfig cfg;
    try {
      DotEnv.Environment env = ConfigFiles.environment();
      ConfigLoader.Loaded loaded = ConfigFiles.load(config, env, flags());
      cfg = loaded.config();
      LogSetup.configure(cfg.logging(), false);
      // OpenTelemetry reads OTEL_* from the real environment; those of .env reach it as the
      // equivalent system properties, unless one is already set.
      DotEnv.otelProperties(env)
          .forEach((k, v) -> {
            if (System.getProperty(k) == null) {
              System.setProperty(k, v);
            }
          });
      if (!env.fromFile().isEmpty()) {
        log.info("read {} variables from .env", env.fromFile().size());
      }
      DotEnv.warnings(env).forEach(w -> log.warn("{}", w));
      loaded.warnings().forEach(w -> log.warn("{}", w));
      loaded.notes().forEach(n -> log.info("{}", n));
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("argus: invalid configuration: " + e.getMessage());
      return 2;
    }
    ArgusServer server;
    try {
      server = ArgusServer.start(cfg);
    } catch (ConfigException e) {
      System.err.println("argus: invalid configuration: " + e.getMessage());
      return 2;
    }
    // SIGTERM and SIGINT drain the server before the JVM's shutdown begins: ONNX Runtime's own
    // shutdown hook frees its native environment, and hooks run concurrently, so draining in a
    // hook would let requests in flight run on freed sessions.
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(
          new sun.misc.Signal(signal),
          s -> Thread.ofPlatform().name("argus-stop").start(server::stop));
    }
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform()
                .name("argus-shutdown")
                .unstarted(() -> {
                  server.stop();
                  LogSetup.drain();
                }));
    server.awaitStopped();
    LogSetup.drain();
    return 0;
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    if (host != null) {
      flags.put("server.host", host);
    }
    if (port != null) {
      flags.put("server.port", String.valueOf(port));
    }
    if (grpcPort != null) {
      flags.put("grpc.port", String.valueOf(grpcPort));
    }
    if (modelRepository != null) {
      flags.put("models.repository", modelRepository.toString());
    }
    if (modelName != null) {
      flags.put("models.name", modelName);
    }
    return flags;
  }
}
