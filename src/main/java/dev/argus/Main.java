package dev.argus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.config.ConfigLoader;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LogSetup;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code argus} command line. */
@Command(
    name = "argus",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Argus: an ONNX model inference server that can be operated in production.",
    subcommands = {
      Main.Serve.class,
      Main.Predict.class,
      Main.Slo.class,
      Main.Drift.class,
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

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Start the server (default: the bundled models/ repository on port 8080).")
  static final class Serve implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Serve.class);

    @Option(
        names = "--config",
        description = "argus.yaml to read (default: $ARGUS_CONFIG, else ./argus.yaml if present)")
    Path config;

    @Option(names = "--host", description = "Address to listen on (server.host)")
    String host;

    @Option(names = "--port", description = "Port to listen on, 0 for any (server.port)")
    Integer port;

    @Option(
        names = "--model-repository",
        description = "Model repository folder (models.repository)")
    Path modelRepository;

    @Override
    public Integer call() throws InterruptedException {
      ArgusConfig cfg;
      try {
        ConfigLoader.Loaded loaded =
            ConfigLoader.load(configFile(config), System.getenv(), flags());
        cfg = loaded.config();
        LogSetup.configure(cfg.logging(), false);
        loaded.warnings().forEach(w -> log.warn("{}", w));
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
          .addShutdownHook(Thread.ofPlatform().name("argus-shutdown").unstarted(server::stop));
      server.awaitStopped();
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
      if (modelRepository != null) {
        flags.put("models.repository", modelRepository.toString());
      }
      return flags;
    }

    static Path configFile(Path flag) {
      if (flag != null) {
        return flag;
      }
      String env = System.getenv("ARGUS_CONFIG");
      if (env != null && !env.isBlank()) {
        return Path.of(env);
      }
      Path local = Path.of("argus.yaml");
      return Files.isRegularFile(local) ? local : null;
    }
  }

  @Command(
      name = "slo",
      mixinStandardHelpOptions = true,
      description = "Service level objectives (slo.objectives of argus.yaml).",
      subcommands = {Main.SloRulesCommand.class})
  static final class Slo {}

  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description =
          "Print Prometheus recording rules and multi-window burn-rate alerts for the objectives.")
  static final class SloRulesCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--config",
        description = "argus.yaml to read (default: $ARGUS_CONFIG, else ./argus.yaml if present)")
    Path config;

    @Override
    public Integer call() {
      ArgusConfig cfg;
      try {
        cfg = ConfigLoader.load(Serve.configFile(config), System.getenv(), Map.of()).config();
      } catch (ConfigException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("argus: invalid configuration: " + e.getMessage());
        return 2;
      }
      spec.commandLine()
          .getOut()
          .print(dev.argus.observe.SloRules.generate(cfg.slo(), cfg.metrics().prefix()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "drift",
      mixinStandardHelpOptions = true,
      description = "Drift monitoring.",
      subcommands = {Main.DriftBaseline.class})
  static final class Drift {}

  @Command(
      name = "baseline",
      mixinStandardHelpOptions = true,
      description =
          "Run a folder of representative images through a model and write its drift reference"
              + " (default: <repository>/<model>/drift-reference.json).")
  static final class DriftBaseline implements Callable<Integer> {
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
    public Integer call() throws IOException, InterruptedException {
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
      Map<String, String> flags = new LinkedHashMap<>();
      flags.put("server.host", "127.0.0.1");
      flags.put("server.port", "0");
      flags.put("models.repository", repository.toString());
      flags.put("metrics.enabled", "false");
      flags.put("drift.reference_size", String.valueOf(files.size()));
      flags.put("drift.window", String.valueOf(Math.max(files.size(), 10)));
      flags.put("drift.min_samples", "5");
      flags.put("logging.level", "WARN");
      ArgusConfig cfg = ConfigLoader.load(null, Map.of(), flags).config();
      LogSetup.configure(cfg.logging(), true);
      ArgusServer server = ArgusServer.start(cfg);
      try {
        if (!server.awaitModelsLoaded(120, java.util.concurrent.TimeUnit.SECONDS)) {
          err.println("argus drift baseline: models did not load within 120 s");
          return 1;
        }
        server.driftMonitor().startReference(model);
        HttpClient client = HttpClient.newHttpClient();
        int skipped = 0;
        for (Path file : files) {
          String boundary = "argus-baseline";
          HttpResponse<String> r =
              client.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/predict/" + model))
                      .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              Predict.multipart(
                                  boundary,
                                  file.getFileName().toString(),
                                  Files.readAllBytes(file))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) {
            err.println("argus drift baseline: skipped " + file + ": " + r.body());
            skipped++;
          }
        }
        if (skipped > 0) {
          err.println("argus drift baseline: " + skipped + " files were not usable images");
          return 1;
        }
        var reference = server.driftMonitor().referenceJson(model).orElseThrow();
        Path target =
            out != null ? out : repository.resolve(model).resolve(DriftMonitor.REFERENCE_FILE);
        Files.writeString(
            target,
            new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValueAsString(reference));
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
      } finally {
        server.stop();
      }
    }
  }

  @Command(
      name = "predict",
      mixinStandardHelpOptions = true,
      description = "Classify an image with a running Argus server and print the top labels.")
  static final class Predict implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Image file (JPEG, PNG, ...)")
    Path image;

    @Option(names = "--model", description = "Model name (default: the server's default model)")
    String model;

    @Option(
        names = "--url",
        defaultValue = "http://localhost:8080",
        description = "Server URL (default: ${DEFAULT-VALUE})")
    String url;

    @Option(
        names = "--top-k",
        defaultValue = "3",
        description = "How many labels (default: ${DEFAULT-VALUE})")
    int topK;

    @Override
    public Integer call() throws IOException, InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isRegularFile(image)) {
        err.println("argus predict: " + image + " is not a file");
        return 2;
      }
      String boundary =
          "argus" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      byte[] body = multipart(boundary, image.getFileName().toString(), Files.readAllBytes(image));
      String target =
          url.replaceAll("/+$", "")
              + "/predict"
              + (model == null ? "" : "/" + model)
              + "?top_k="
              + topK;
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(target))
              .timeout(Duration.ofSeconds(60))
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<String> response;
      try (HttpClient client =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
        response = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        err.println("argus predict: cannot reach " + target + ": " + e);
        return 1;
      }
      JsonNode json;
      try {
        json = new ObjectMapper().readTree(response.body());
      } catch (IOException e) {
        err.println("argus predict: HTTP " + response.statusCode() + ": " + response.body());
        return 1;
      }
      if (response.statusCode() != 200) {
        err.println(
            "argus predict: HTTP "
                + response.statusCode()
                + " "
                + json.path("error_type").asText()
                + ": "
                + json.path("error").asText()
                + " (request id "
                + json.path("request_id").asText()
                + ")");
        return 1;
      }
      out.printf(
          "model %s version %s (request id %s)%n",
          json.path("model").asText(),
          json.path("model_version").asText(),
          json.path("request_id").asText());
      for (JsonNode p : json.path("predictions")) {
        out.printf("%-20s %.4f%n", p.path("label").asText(), p.path("confidence").asDouble());
      }
      out.flush();
      return 0;
    }

    static byte[] multipart(String boundary, String filename, byte[] content) {
      String head =
          "--"
              + boundary
              + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
              + filename.replace("\"", "")
              + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
      String tail = "\r\n--" + boundary + "--\r\n";
      byte[] h = head.getBytes(StandardCharsets.UTF_8);
      byte[] t = tail.getBytes(StandardCharsets.UTF_8);
      byte[] all = new byte[h.length + content.length + t.length];
      System.arraycopy(h, 0, all, 0, h.length);
      System.arraycopy(content, 0, all, h.length, content.length);
      System.arraycopy(t, 0, all, h.length + content.length, t.length);
      return all;
    }
  }
}
