package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/kubernetes and deploy/kserve parsed into typed objects (fabric8), and checked against
 * Argus itself: probe paths are real endpoints, ports match the config the ConfigMap carries (which
 * must load), the pod drains before it is killed, and it runs locked down.
 */
class DeploymentManifestsTest {
  private static final Path BASE = Path.of("deploy/kubernetes/base");

  /** A manifest parsed into fabric8's typed object. */
  static <T> T load(Path file, Class<T> type) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, type);
    }
  }

  /** The paths Argus routes, from its OpenAPI document (OpenApiIT keeps it equal to the router). */
  static Set<String> routedPaths() throws Exception {
    JsonNode doc;
    try (InputStream in =
        DeploymentManifestsTest.class.getResourceAsStream(
            "/dev/argus/transport/http/openapi.yaml")) {
      doc = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    Set<String> paths = new HashSet<>();
    doc.path("paths").fieldNames().forEachRemaining(paths::add);
    return paths;
  }

  @Test
  void kustomizationListsEveryManifestThatExists() throws Exception {
    JsonNode k =
        new ObjectMapper(new YAMLFactory()).readTree(BASE.resolve("kustomization.yaml").toFile());
    Set<String> listed = new HashSet<>();
    k.path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> present = new HashSet<>();
    try (var files = Files.list(BASE)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
          .forEach(present::add);
    }
    assertThat(listed).isEqualTo(present);
  }

  @Test
  void theDeploymentProbesRealEndpointsOnTheConfiguredPortAndDrainsBeforeItIsKilled(
      @TempDir Path dir) throws Exception {
    Deployment deployment = load(BASE.resolve("deployment.yaml"), Deployment.class);
    ConfigMap configMap = load(BASE.resolve("configmap.yaml"), ConfigMap.class);
    Path argusYaml = dir.resolve("argus.yaml");
    Files.writeString(argusYaml, configMap.getData().get("argus.yaml"));
    ArgusConfig config =
        ConfigLoader.load(argusYaml, java.util.Map.of(), java.util.Map.of()).config();

    var pod = deployment.getSpec().getTemplate().getSpec();
    Container argus = pod.getContainers().get(0);
    assertThat(argus.getPorts().get(0).getContainerPort()).isEqualTo(config.server().port());
    assertThat(argus.getPorts())
        .anySatisfy(p -> {
          assertThat(p.getName()).isEqualTo("grpc");
          assertThat(p.getContainerPort()).isEqualTo(config.grpc().port());
        });
    assertThat(argus.getArgs()).containsSubsequence("serve", "--config", "/etc/argus/argus.yaml");
    assertThat(argus.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/argus"));

    Set<String> routes = routedPaths();
    for (Probe probe : new Probe[] {argus.getLivenessProbe(), argus.getStartupProbe()}) {
      assertThat(probe).isNotNull();
      assertThat(routes).contains(probe.getHttpGet().getPath());
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }
    assertThat(argus.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(argus.getStartupProbe().getHttpGet().getPath()).isEqualTo("/startupz");
    // Readiness asks gRPC health for the server as a whole (service ""), on the gRPC port:
    // SERVING exactly while /readyz is up (GrpcStreamIT, docs/grpc.md).
    var readiness = argus.getReadinessProbe().getGrpc();
    assertThat(readiness).isNotNull();
    assertThat(readiness.getPort()).isEqualTo(config.grpc().port());
    assertThat(readiness.getService() == null ? "" : readiness.getService()).isEmpty();

    long drain =
        config.server().drainDelay().toSeconds() + config.server().shutdownGrace().toSeconds();
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(drain);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(argus.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(argus.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(argus.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    // A collector named in the optional argus-otel ConfigMap turns tracing on.
    assertThat(argus.getEnvFrom())
        .anySatisfy(e -> {
          assertThat(e.getConfigMapRef().getName()).isEqualTo("argus-otel");
          assertThat(e.getConfigMapRef().getOptional()).isTrue();
        });
    assertThat(argus.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(argus.getResources().getLimits()).containsKeys("cpu", "memory");
  }

  @Test
  void serviceMonitorPdbAndAutoscalerFitTogether() throws Exception {
    Service service = load(BASE.resolve("service.yaml"), Service.class);
    Deployment deployment = load(BASE.resolve("deployment.yaml"), Deployment.class);
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
    String portName = service.getSpec().getPorts().get(0).getName();
    var grpcPort =
        service.getSpec().getPorts().stream()
            .filter(p -> p.getName().equals("grpc"))
            .findFirst()
            .orElseThrow();
    assertThat(grpcPort.getAppProtocol()).isEqualTo("kubernetes.io/h2c");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .anySatisfy(p -> assertThat(p.getName()).isEqualTo(grpcPort.getTargetPort().getStrVal()));

    GenericKubernetesResource monitor =
        load(BASE.resolve("servicemonitor.yaml"), GenericKubernetesResource.class);
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    JsonNode endpoint =
        new ObjectMapper()
            .valueToTree(monitor.getAdditionalProperties())
            .path("spec")
            .path("endpoints")
            .get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo(portName);
    assertThat(routedPaths()).contains(endpoint.path("path").asText());

    PodDisruptionBudget pdb = load(BASE.resolve("pdb.yaml"), PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMinAvailable().getIntVal())
        .isLessThan(deployment.getSpec().getReplicas());

    HorizontalPodAutoscaler hpa = load(BASE.resolve("hpa.yaml"), HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getScaleTargetRef().getName())
        .isEqualTo(deployment.getMetadata().getName());
    String metric = hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName();
    ConfigMap adapter = load(BASE.resolve("prometheus-adapter-rules.yaml"), ConfigMap.class);
    String rules = adapter.getData().get("config.yaml");
    assertThat(rules)
        .contains("as: \"" + metric + "\"")
        .contains("seriesQuery: 'inference_queue_depth{");
  }

  @Test
  void kserveRuntimeServesTheV2ProtocolWithArgusFlags() throws Exception {
    GenericKubernetesResource runtime =
        load(Path.of("deploy/kserve/servingruntime.yaml"), GenericKubernetesResource.class);
    JsonNode spec = new ObjectMapper().valueToTree(runtime.getAdditionalProperties()).path("spec");
    assertThat(runtime.getKind()).isEqualTo("ServingRuntime");
    assertThat(spec.path("protocolVersions").toString()).isEqualTo("[\"v2\",\"grpc-v2\"]");
    JsonNode container = spec.path("containers").get(0);
    String[] args = new ObjectMapper().treeToValue(container.path("args"), String[].class);
    // The arguments must parse as an Argus command line, and say where gRPC listens.
    var serve = new picocli.CommandLine(new Main()).parseArgs(args).subcommand();
    assertThat(serve.commandSpec().name()).isEqualTo("serve");
    int grpcPort = serve.matchedOption("--grpc-port").<Integer>getValue();
    assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    // /mnt/models (a model.onnx) serves under the InferenceService's name; a collector configured
    // in the optional argus-otel ConfigMap turns tracing on; the drain covers endpoint removal.
    java.util.Map<String, String> env = new java.util.HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertThat(env).containsEntry("ARGUS_MODELS_NAME", "{{.Name}}");
    ArgusConfig kserve = ConfigLoader.load(null, env, java.util.Map.of()).config();
    assertThat(kserve.server().drainDelay())
        .isGreaterThanOrEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(container.path("envFrom").toString())
        .contains("\"name\":\"argus-otel\"")
        .contains("\"optional\":true");

    GenericKubernetesResource isvc =
        load(Path.of("deploy/kserve/inferenceservice.yaml"), GenericKubernetesResource.class);
    JsonNode model =
        new ObjectMapper()
            .valueToTree(isvc.getAdditionalProperties())
            .path("spec")
            .path("predictor")
            .path("model");
    assertThat(model.path("runtime").asText()).isEqualTo(runtime.getMetadata().getName());
    assertThat(model.path("protocolVersion").asText()).isEqualTo("v2");

    // Over gRPC, the InferenceService exposes the runtime's gRPC port under the name h2c.
    JsonNode grpcModel =
        new ObjectMapper()
            .valueToTree(
                load(
                        Path.of("deploy/kserve/inferenceservice-grpc.yaml"),
                        GenericKubernetesResource.class)
                    .getAdditionalProperties())
            .path("spec")
            .path("predictor")
            .path("model");
    assertThat(grpcModel.path("runtime").asText()).isEqualTo(runtime.getMetadata().getName());
    assertThat(grpcModel.path("protocolVersion").asText()).isEqualTo("grpc-v2");
    assertThat(grpcModel.path("ports").get(0).path("name").asText()).isEqualTo("h2c");
    assertThat(grpcModel.path("ports").get(0).path("containerPort").asInt()).isEqualTo(grpcPort);
  }
}
