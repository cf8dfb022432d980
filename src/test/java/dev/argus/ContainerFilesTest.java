package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile and docker-compose.yml, which no test here can build or run (no Docker engine):
 * parsed and checked against what they refer to — files that exist, the endpoints Argus routes, the
 * port and model repository of the config the image carries (loaded by Argus's own loader), the
 * Kubernetes Deployment's user and ports, and the hosts and ports the Prometheus, Alertmanager,
 * Jaeger and Grafana configs point at. `docker-compose config` itself runs in DeployIT.
 */
class ContainerFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One Dockerfile instruction, continuation lines joined. */
  private record Instruction(String keyword, String args) {}

  private static List<Instruction> dockerfile() throws Exception {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      String[] parts = current.toString().split("\\s+", 2);
      out.add(new Instruction(parts[0].toUpperCase(java.util.Locale.ROOT), parts[1]));
      current.setLength(0);
    }
    assertThat(current).as("a dangling continuation line").isEmpty();
    return out;
  }

  private static List<String> all(List<Instruction> file, String keyword) {
    return file.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
  }

  private static String only(List<Instruction> file, String keyword) {
    List<String> found = all(file, keyword);
    assertThat(found).as(keyword).hasSize(1);
    return found.get(0);
  }

  /** The instructions of the last stage (the image that ships). */
  private static List<Instruction> finalStage(List<Instruction> file) {
    int last = 0;
    for (int i = 0; i < file.size(); i++) {
      if (file.get(i).keyword().equals("FROM")) {
        last = i;
      }
    }
    return file.subList(last, file.size());
  }

  /** COPY destinations of the final stage by source ("--from=stage src" for stage copies). */
  private static Map<String, String> copies(List<Instruction> stage) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String args : all(stage, "COPY")) {
      String[] p = args.split("\\s+");
      assertThat(p).as("COPY " + args).hasSizeBetween(2, 3);
      out.put(p.length == 3 ? p[0] + " " + p[1] : p[0], p[p.length - 1]);
    }
    return out;
  }

  private static ArgusConfig imageConfig() throws Exception {
    return ConfigLoader.load(Path.of("deploy/docker/argus.yaml"), Map.of(), Map.of()).config();
  }

  private static PodSpec pod() throws Exception {
    return DeploymentManifestsTest.load(
            Path.of("deploy/kubernetes/base/deployment.yaml"), Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  private static String[] jsonArray(String text) throws Exception {
    return new ObjectMapper().readValue(text, String[].class);
  }

  @Test
  void theImageIsBuiltInStagesAndRunsAJre21OrNewer() throws Exception {
    List<Instruction> file = dockerfile();
    List<String> froms = all(file, "FROM");
    assertThat(froms).hasSizeGreaterThanOrEqualTo(2);
    Matcher build = Pattern.compile("\\S+\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE).matcher("");
    assertThat(build.reset(froms.get(0)).matches()).as(froms.get(0)).isTrue();
    String buildStage = build.group(1);

    Matcher runtime = Pattern.compile("eclipse-temurin:(\\d+)-jre\\S*").matcher(froms.getLast());
    assertThat(runtime.matches()).as("runtime base " + froms.getLast()).isTrue();
    assertThat(Integer.parseInt(runtime.group(1))).isGreaterThanOrEqualTo(21);

    // Whatever the final stage takes from the build stage is the jar the ENTRYPOINT runs.
    List<Instruction> stage = finalStage(file);
    Map<String, String> copies = copies(stage);
    String jar = copies.get("--from=" + buildStage + " /src/argus.jar");
    assertThat(jar).as("the jar copied from the build stage").isNotNull();
    assertThat(jsonArray(only(stage, "ENTRYPOINT"))).containsSubsequence("java", "-jar", jar);
    // The build stage makes that jar from sources that exist here.
    assertThat(all(file, "RUN")).anySatisfy(r -> assertThat(r).contains("/src/argus.jar"));
    for (String args : all(file, "COPY")) {
      if (!args.startsWith("--from=")) {
        String[] p = args.split("\\s+");
        for (int i = 0; i < p.length - 1; i++) {
          assertThat(Path.of(p[i])).as("COPY source " + p[i]).exists();
        }
      }
    }
  }

  @Test
  void theImageRunsAsTheDeploymentsUserWithAHealthcheckOnTheLivenessEndpoint() throws Exception {
    List<Instruction> stage = finalStage(dockerfile());
    PodSpec pod = pod();
    Container container = pod.getContainers().get(0);
    ArgusConfig config = imageConfig();

    String[] user = only(stage, "USER").split(":");
    assertThat(Long.parseLong(user[0]))
        .isPositive()
        .isEqualTo(pod.getSecurityContext().getRunAsUser());
    assertThat(Long.parseLong(user[1])).isEqualTo(pod.getSecurityContext().getRunAsGroup());
    assertThat(all(stage, "RUN")).anySatisfy(r -> assertThat(r).contains("--uid " + user[0]));
    // The image's config requires libturbojpeg, so the runtime stage must install it.
    assertThat(config.images().jpegDecoder()).isEqualTo("turbojpeg");
    assertThat(all(stage, "RUN"))
        .anySatisfy(r -> assertThat(r).containsPattern("apt-get install .*libturbojpeg"));

    String[] ports = only(stage, "EXPOSE").split("\\s+");
    int exposed = Integer.parseInt(ports[0]);
    assertThat(exposed)
        .isEqualTo(config.server().port())
        .isEqualTo(container.getPorts().get(0).getContainerPort());
    assertThat(ports).hasSize(2);
    assertThat(Integer.parseInt(ports[1]))
        .isEqualTo(config.grpc().port())
        .isEqualTo(container.getPorts().get(1).getContainerPort());

    Matcher url = Pattern.compile("(http://\\S+)").matcher(only(stage, "HEALTHCHECK"));
    assertThat(url.find()).isTrue();
    URI health = URI.create(url.group(1));
    assertThat(health.getPort()).isEqualTo(exposed);
    assertThat(DeploymentManifestsTest.routedPaths()).contains(health.getPath());
    assertThat(health.getPath()).isEqualTo(container.getLivenessProbe().getHttpGet().getPath());
  }

  @Test
  void theImageCarriesTheModelsAndTheConfigItsCommandReads() throws Exception {
    List<Instruction> stage = finalStage(dockerfile());
    Map<String, String> copies = copies(stage);
    ArgusConfig config = imageConfig();

    String[] cmd = jsonArray(only(stage, "CMD"));
    var parsed = new picocli.CommandLine(new Main()).parseArgs(cmd);
    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    String configPath = parsed.subcommand().matchedOption("--config").getValue().toString();
    assertThat(copies).containsEntry("deploy/docker/argus.yaml", configPath);
    // Kubernetes mounts its ConfigMap where the image keeps its config, and runs the same command.
    assertThat(pod().getContainers().get(0).getArgs()).containsExactly(cmd);

    assertThat(copies.get("models/")).isEqualTo(config.models().repository() + "/");
    assertThat(Path.of("models"))
        .isDirectoryContaining(p -> p.resolve("model.yaml").toFile().isFile());

    // .dockerignore must not hide what the Dockerfile copies.
    List<String> ignored =
        Files.readAllLines(Path.of(".dockerignore")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    for (String source : copies.keySet()) {
      if (!source.startsWith("--from=")) {
        assertThat(ignored).noneSatisfy(i -> assertThat(source).startsWith(i));
      }
    }
    assertThat(ignored).contains("target/");
  }

  @Test
  void composeWiresArgusToPrometheusAlertmanagerJaegerAndGrafana() throws Exception {
    JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
    JsonNode services = compose.path("services");
    ArgusConfig config = imageConfig();

    // Every file the stack mounts exists.
    for (JsonNode service : services) {
      for (JsonNode volume : service.path("volumes")) {
        String host = volume.asText().split(":")[0];
        if (host.startsWith(".") || host.startsWith("/")) {
          assertThat(Path.of(host)).as(volume.asText()).exists();
        } else {
          assertThat(compose.path("volumes").has(host)).as("named volume " + host).isTrue();
        }
      }
    }
    JsonNode argus = services.path("argus");
    assertThat(argus.path("build").asText()).isEqualTo(".");
    assertThat(ports(argus, HOST)).contains(config.server().port(), config.grpc().port());
    assertThat(argus.path("stop_grace_period").asText()).isEqualTo("45s");
    long drain =
        config.server().drainDelay().toSeconds() + config.server().shutdownGrace().toSeconds();
    assertThat(45L).isGreaterThan(drain);

    // Prometheus scrapes and alerts to the compose services, with both rule files mounted.
    JsonNode prom = YAML.readTree(Path.of("deploy/prometheus/prometheus.yml").toFile());
    for (JsonNode target : prom.findValues("targets")) {
      for (JsonNode hostPort : target) {
        String[] hp = hostPort.asText().split(":");
        assertThat(services.has(hp[0])).as(hostPort.asText()).isTrue();
        assertThat(ports(services.path(hp[0]), CONTAINER)).contains(Integer.parseInt(hp[1]));
      }
    }
    String mounts = services.path("prometheus").path("volumes").toString();
    prom.path("rule_files")
        .forEach(f -> assertThat(mounts).contains("/etc/prometheus/" + f.asText() + ":ro"));

    // Prometheus keeps at least the longest SLO window, on a volume.
    String retention =
        services
            .path("prometheus")
            .path("command")
            .toString()
            .replaceAll(".*retention.time=", "")
            .replaceAll("\".*", "");
    long longestWindow =
        config.slo().objectives().stream().mapToLong(o -> o.window().toDays()).max().orElseThrow();
    assertThat(dev.argus.config.Durations.parse(retention).toDays())
        .as("--storage.tsdb.retention.time")
        .isGreaterThan(longestWindow);
    assertThat(mounts).contains("prometheus-data:/prometheus");

    // Traces go to Jaeger's OTLP/HTTP port.
    URI otlp = URI.create(argus.path("environment").path("ARGUS_TRACING_ENDPOINT").asText());
    assertThat(services.has(otlp.getHost())).isTrue();
    assertThat(ports(services.path(otlp.getHost()), CONTAINER)).contains(otlp.getPort());

    // Grafana: the data sources point at compose services, exemplars link to the Jaeger source,
    // and every dashboard is mounted where the provider looks.
    JsonNode sources =
        YAML.readTree(Path.of("deploy/grafana/provisioning/datasources/argus.yaml").toFile())
            .path("datasources");
    Set<String> uids = new HashSet<>();
    for (JsonNode source : sources) {
      uids.add(source.path("uid").asText());
      URI url = URI.create(source.path("url").asText());
      assertThat(ports(services.path(url.getHost()), CONTAINER)).contains(url.getPort());
    }
    sources.findValues("datasourceUid").forEach(u -> assertThat(uids).contains(u.asText()));
    String dashboards =
        YAML.readTree(Path.of("deploy/grafana/provisioning/dashboards/argus.yaml").toFile())
            .path("providers")
            .get(0)
            .path("options")
            .path("path")
            .asText();
    String grafanaMounts = services.path("grafana").path("volumes").toString();
    try (var files = Files.list(Path.of("deploy/grafana"))) {
      files
          .filter(f -> f.toString().endsWith(".json"))
          .forEach(f ->
              assertThat(grafanaMounts)
                  .contains("./" + f + ":" + dashboards + "/" + f.getFileName()));
    }
    // Grafana runs the version whose schema the dashboards are type-checked against.
    String schema =
        new ObjectMapper()
            .readTree(Path.of("deploy/grafana/check/package.json").toFile())
            .path("devDependencies")
            .path("@grafana/schema")
            .asText();
    assertThat(services.path("grafana").path("image").asText())
        .isEqualTo("grafana/grafana:" + schema);
  }

  private static final int HOST = 0;
  private static final int CONTAINER = 1;

  /** One side of the "host:container" port mappings a compose service publishes. */
  private static Set<Integer> ports(JsonNode service, int side) {
    Set<Integer> out = new HashSet<>();
    service.path("ports").forEach(p -> out.add(Integer.parseInt(p.asText().split(":")[side])));
    return out;
  }
}
