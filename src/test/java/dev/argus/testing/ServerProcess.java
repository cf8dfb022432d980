package dev.argus.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Argus in a process of its own ({@code argus serve} on 127.0.0.1 and a free port), for what
 * a test cannot do to an in-process server: send it SIGTERM, or give it a small heap.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code argus serve} on {@code repository} with these JVM flags and {@code ARGUS_*}
   * settings, writing its output to {@code dir/server.log}, and waits until it is ready. The
   * working directory is {@code dir}, so a {@code dir/.env} is read and the project's is not.
   */
  public static ServerProcess start(
      Path dir, Path repository, List<String> jvmFlags, Map<String, String> environment)
      throws IOException {
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.argus.Main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--model-repository",
            repository.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().put("ARGUS_SERVER_SHUTDOWN_GRACE", "20s");
    pb.environment().put("ARGUS_GRPC_PORT", "-1"); // not 8081: tests share this machine
    pb.environment().put("ARGUS_LOGGING_FORMAT", "json");
    pb.environment().putAll(environment);
    Path log = dir.resolve("server.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    ServerProcess server = new ServerProcess(pb.start(), port, log);
    HttpClient client = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> {
          if (!server.process.isAlive()) {
            throw new IllegalStateException("the server exited: " + Files.readString(log));
          }
          return client
                  .send(
                      HttpRequest.newBuilder(server.uri("/readyz"))
                          .timeout(Duration.ofSeconds(5))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200;
        });
    return server;
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public Process process() {
    return process;
  }

  /** {@code GET path}, answered within 30 s. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  /** What the server has logged so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to exit; true if it did in time. */
  public boolean awaitExit(long seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** A port nothing listens on now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
