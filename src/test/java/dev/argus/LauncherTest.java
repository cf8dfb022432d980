package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM flags {@code ./argus} starts the server with: a 512 MiB heap and 2 MiB G1 regions unless
 * the caller chose them (docs/operations.md). The launcher runs for real, with a stand-in {@code
 * java} that reports a JDK 25 and prints the arguments it was given.
 */
class LauncherTest {
  @TempDir Path dir;

  private List<String> javaArguments(Map<String, String> env) throws Exception {
    Path java = dir.resolve("java");
    Files.writeString(
        java,
        """
        #!/usr/bin/env bash
        if [[ "$*" == *-XshowSettings* ]]; then echo "    java.specification.version = 25" >&2; exit 0; fi
        printf '%s\\n' "$@"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.write(dir.resolve("server.jar"), new byte[0]);
    ProcessBuilder pb = new ProcessBuilder("bash", "argus", "serve", "--port", "1");
    pb.environment().remove("ARGUS_JAVA_OPTS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().put("ARGUS_JAVA", java.toString());
    pb.environment().put("ARGUS_JAR", jar.toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }

  @Test
  void byDefaultTheHeapIs512MiBInRegionsOf2MiB() throws Exception {
    assertThat(javaArguments(Map.of()))
        .containsSubsequence("-Xms512m", "-Xmx512m", "-XX:G1HeapRegionSize=2m", "-jar")
        .endsWith("serve", "--port", "1");
  }

  @Test
  void theCallersHeapAndRegionSizeWin() throws Exception {
    List<String> sized = javaArguments(Map.of("ARGUS_JAVA_OPTS", "-Xmx2g"));
    assertThat(sized).contains("-Xmx2g", "-XX:G1HeapRegionSize=2m").doesNotContain("-Xmx512m");

    List<String> regions =
        javaArguments(
            Map.of("JAVA_TOOL_OPTIONS", "-XX:G1HeapRegionSize=8m -XX:MaxRAMPercentage=50"));
    assertThat(regions).doesNotContain("-XX:G1HeapRegionSize=2m", "-Xmx512m", "-Xms512m");
  }

  @Test
  void theContainerImageAndTheDeploymentAsk2MiBRegionsToo() throws IOException {
    assertThat(Files.readString(Path.of("Dockerfile")))
        .contains(
            "JAVA_TOOL_OPTIONS=\"-XX:InitialRAMPercentage=50 -XX:MaxRAMPercentage=50"
                + " -XX:G1HeapRegionSize=2m");
    assertThat(Files.readString(Path.of("deploy/kubernetes/base/deployment.yaml")))
        .contains("-XX:MaxRAMPercentage=50 -XX:G1HeapRegionSize=2m");
  }
}
