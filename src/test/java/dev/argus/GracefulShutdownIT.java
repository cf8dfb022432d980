package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real server process while 20 requests are in flight: every one of them completes
 * with 200, and the listener refuses new connections from the moment the signal lands.
 */
class GracefulShutdownIT {
  private static final int IN_FLIGHT = 20;
  private static final String BOUNDARY = "argus-shutdown-test";

  @TempDir Path dir;
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermLetsRequestsInFlightFinishAndRefusesNewConnections() throws Exception {
    int port = freePort();
    HttpClient client = startReady(port);

    byte[] body =
        TestServer.multipart(
            BOUNDARY, "file", Files.readAllBytes(TestModels.labelledPhotos().get(0)));
    int half = body.length / 2;
    List<Socket> inFlight = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(headers(body.length).getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, half);
      out.flush();
      inFlight.add(s);
    }
    // Wait until the server is handling all twenty (the scrape itself is the 21st): only then
    // are they in flight rather than connections whose request the server has not read yet.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> activeRequests(client, port) >= IN_FLIGHT + 1);

    process.destroy(); // SIGTERM

    await().atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(port));
    for (Socket s : inFlight) {
      OutputStream out = s.getOutputStream();
      out.write(body, half, body.length - half);
      out.flush();
    }
    List<String> statusLines = new ArrayList<>();
    for (Socket s : inFlight) {
      try (s) {
        String response =
            new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        statusLines.add(response.lines().findFirst().orElse("(no response)"));
        assertThat(response).contains("\"prediction\":\"food\"");
      }
    }
    assertThat(statusLines).hasSize(IN_FLIGHT).containsOnly("HTTP/1.1 200 OK");
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("readiness is now false", "stopped");
  }

  /** What one client request of the steady load ended as. */
  private record Outcome(String requestId, long sentAfterNanos, String result) {}

  @Test
  void sigtermUnderSteadyLoadLosesNoAcceptedRequest() throws Exception {
    int port = freePort();
    HttpClient client = startReady(port);
    byte[] body =
        TestServer.multipart(
            BOUNDARY, "file", Files.readAllBytes(TestModels.labelledPhotos().get(1)));
    List<Outcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    long start = System.nanoTime();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      int clientNo = c;
      clients.add(
          Thread.ofPlatform()
              .start(() -> {
                for (int i = 0; !stop.get(); i++) {
                  String id = "steady-" + clientNo + "-" + i;
                  long sent = System.nanoTime() - start;
                  outcomes.add(new Outcome(id, sent, send(port, id, body)));
                }
              }));
    }
    Thread.sleep(4000);
    long sigterm = System.nanoTime() - start;
    process.destroy(); // SIGTERM under load
    await().atMost(Duration.ofSeconds(20)).until(() -> refusesConnections(port));
    stop.set(true);
    for (Thread t : clients) {
      t.join(30_000);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    // Every request the server handled (its canonical line is in the log) reached its client
    // with 200; what failed never reached a handler, and only after the signal.
    String log = Files.readString(dir.resolve("server.log"));
    java.util.Set<String> handled = new java.util.HashSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("request_completed.*?\"request_id\":\"(steady-[0-9-]+)\"")
            .matcher(log);
    while (m.find()) {
      handled.add(m.group(1));
    }
    List<Outcome> all = List.copyOf(outcomes);
    assertThat(all.stream().filter(o -> o.result().equals("200")).count())
        .isGreaterThanOrEqualTo(6);
    for (Outcome o : all) {
      if (handled.contains(o.requestId())) {
        assertThat(o.result()).as(o.requestId() + " was handled").isEqualTo("200");
      } else if (!o.result().equals("200")) {
        assertThat(o.sentAfterNanos())
            .as(o + " failed before SIGTERM")
            .isGreaterThan(sigterm - 1_000_000_000L);
        assertThat(o.result()).as(o.toString()).isIn("refused", "no response", "503");
      }
    }
    assertThat(all.stream().filter(o -> o.result().equals("200")))
        .allMatch(o -> handled.contains(o.requestId()));
  }

  /** One request on its own connection: "200", "503", "refused" or "no response". */
  private static String send(int port, String id, byte[] body) {
    Socket s;
    try {
      s = new Socket("127.0.0.1", port);
    } catch (IOException e) {
      return "refused";
    }
    try (s) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          headers(body.length)
              .replace("Connection: close\r\n", "Connection: close\r\nX-Request-ID: " + id + "\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String status =
          new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
              .lines()
              .findFirst()
              .orElse("");
      return status.isEmpty() ? "no response" : status.split(" ")[1];
    } catch (IOException e) {
      return "no response";
    }
  }

  /** Starts the server process on {@code port} and waits until it is ready. */
  private HttpClient startReady(int port) throws IOException {
    process = startServer(port);
    HttpClient client = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> get(client, port, "/readyz") == 200);
    return client;
  }

  private Process startServer(int port) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.argus.Main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--model-repository",
            TestModels.bundledRepository().toString());
    pb.environment().put("ARGUS_SERVER_SHUTDOWN_GRACE", "20s");
    pb.environment().put("ARGUS_GRPC_PORT", "-1"); // not 8081: tests share this machine
    pb.environment().put("ARGUS_LOGGING_FORMAT", "json");
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    return pb.start();
  }

  private static String headers(int contentLength) {
    return "POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + "Content-Type: multipart/form-data; boundary="
        + BOUNDARY
        + "\r\n"
        + "Content-Length: "
        + contentLength
        + "\r\n\r\n";
  }

  private static double activeRequests(HttpClient client, int port) throws Exception {
    String body =
        client
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/metrics?name%5B%5D=http_server_active_requests"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith("http_server_active_requests "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  private static boolean refusesConnections(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int get(HttpClient client, int port, String path) throws Exception {
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
