package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.FaultRuntime;
import dev.argus.testing.LogCapture;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unlucky conditions against a started server: clients that stall, trickle, leave or
 * send what is refused; a model that runs out of memory or hangs; reloads under load. Every wait on
 * a client ends, nothing accepted is lost, and each failure is told apart in what is logged.
 */
class ReliabilityIT {
  @TempDir Path repo;

  private static Socket sendHeadAndSome(TestServer server, String path, int length, byte[] some)
      throws IOException {
    Socket s = new Socket("127.0.0.1", server.uri("/").getPort());
    s.setSoTimeout(30_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.write(some);
    out.flush();
    return s;
  }

  /** The whole answer, read until the server closes the connection. */
  private static String readToEnd(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  /** One answer: its head and its Content-Length of body, the connection left as it is. */
  private static String readAnswer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  @Test
  void sixtyFourStalledBodiesAreAnswered408InTimeWhileOthersAreServed() throws Exception {
    TestModels.addImageTriage(repo);
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer server = TestServer.start(repo, Map.of("server.read_timeout", "2s"))) {
      List<Socket> stallers = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        stallers.add(sendHeadAndSome(server, "/predict", 10_000_000, "0123456789".getBytes()));
      }
      // They hold no prediction slot: a real client is served meanwhile.
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> r = server.postMultipart("/predict", photo);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      long start = System.nanoTime();
      for (Socket s : stallers) {
        try (s) {
          String answer = readToEnd(s); // returns once the server closes the connection
          assertThat(answer)
              .startsWith("HTTP/1.1 408")
              .contains("Connection: close", "server.read_timeout");
        }
      }
      assertThat((System.nanoTime() - start) / 1_000_000_000)
          .as("seconds until every staller was answered and closed")
          .isLessThan(20);
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aTricklingBodyGets408AndItsConnectionEnds() throws Exception {
    TestModels.addImageTriage(repo);
    try (TestServer server = TestServer.start(repo, Map.of("server.body_read_timeout", "1s"))) {
      Socket s = sendHeadAndSome(server, "/predict", 1000, "x".getBytes());
      s.setSoTimeout(200);
      StringBuilder answer = new StringBuilder();
      long start = System.nanoTime();
      try (s) {
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        while (System.nanoTime() - start < 15_000_000_000L) {
          try {
            s.getOutputStream().write('x'); // one byte every 200 ms
          } catch (IOException closed) {
            break;
          }
          try {
            int n = in.read(buffer);
            if (n < 0) {
              break; // the server ended the connection
            }
            answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          } catch (SocketTimeoutException nothingYet) {
            // keep trickling
          }
        }
      }
      assertThat(answer.toString())
          .startsWith("HTTP/1.1 408")
          .contains("Connection: close", "server.body_read_timeout");
      assertThat((System.nanoTime() - start) / 1_000_000_000).isLessThan(10);
    }
  }

  @Test
  void aClientThatLeavesMidBodyIsClientClosedNotAServerError() throws Exception {
    TestModels.addImageTriage(repo);
    LogCapture logs = LogCapture.start();
    try (TestServer server = TestServer.start(repo, Map.of())) {
      Socket s = sendHeadAndSome(server, "/predict", 100_000, new byte[5000]);
      s.close();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() ->
              assertThat(server.get("/metrics").body())
                  .contains(
                      "http_server_errors_total{error_type=\"client_closed\",route=\"/predict\"} 1.0"));
      String metrics = server.get("/metrics").body();
      assertThat(metrics).contains("status=\"499\"").doesNotContain("status=\"500\"");
      assertThat(logs.lines())
          .anySatisfy(line -> {
            assertThat(line.path("message").asText()).isEqualTo("request_failed");
            assertThat(line.path("error_type").asText()).isEqualTo("client_closed");
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("bytes_in").asLong()).isEqualTo(5000);
          });
    } finally {
      logs.close();
    }
  }

  @Test
  void aRefusedUploadIsReadFirstSoAClientThatSendsItAllGetsTheAnswer() throws Exception {
    TestModels.addImageTriage(repo);
    try (TestServer server = TestServer.start(repo, Map.of("limits.max_request_bytes", "1MiB"))) {
      // As Python's urllib does: the whole body, then the answer.
      for (String path : List.of("/predict", "/no/such/route")) {
        byte[] body = new byte[3 * 1024 * 1024];
        try (Socket s = sendHeadAndSome(server, path, body.length, body)) {
          String answer = readAnswer(s);
          assertThat(answer)
              .as(path)
              .matches("(?s)HTTP/1.1 (413|404) .*\"request_id\":\"[0-9a-f]{32}\".*");
        }
      }
      assertThat(server.postMultipart("/predict", TestModels.labelledPhotosBytes(0)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void aModelThatRunsOutOfMemoryIsShedForRetryAndKeepsServing() throws Exception {
    TestModels.addImageTriage(repo);
    FaultRuntime runtime = new FaultRuntime();
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
    try (TestServer server = TestServer.start(repo, Map.of(), runtime, true)) {
      runtime.inject(FaultRuntime.Fault.OUT_OF_MEMORY);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = server.postMultipart("/predict", photo);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(TestServer.json(r).path("error_type").asText()).isEqualTo("queue_full");
        assertThat(TestServer.json(r).path("error").asText()).contains("out of memory");
      }
      runtime.release();
      // The worker that saw the error is still there: the model serves on.
      for (int i = 0; i < 3; i++) {
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      }
      assertThat(server.get("/metrics").body())
          .contains("inference_rejected_total{model=\"image-triage\",reason=\"memory\"} 3.0")
          .contains(
              "inference_requests_total{model=\"image-triage\",outcome=\"rejected\",version=\"1\"} 3.0");
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aModelThatMakesNoProgressIsMarkedStalledAndRecovers() throws Exception {
    TestModels.addImageTriage(repo);
    FaultRuntime runtime = new FaultRuntime();
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(2));
    try (TestServer server =
        TestServer.start(
            repo,
            // One worker: the second request waits in the queue behind the hung one.
            Map.of(
                "models.stall_timeout",
                "1s",
                "server.request_timeout",
                "30s",
                "batching.instances",
                "1"),
            runtime,
            true)) {
      runtime.inject(FaultRuntime.Fault.HANG);
      // One request hangs in the model; the next one, sent once it does, waits in the queue.
      Thread.ofVirtual().start(() -> server.postMultipart("/predict", photo));
      assertThat(runtime.awaitHangingRun(Duration.ofSeconds(15))).isTrue();
      Thread.ofVirtual().start(() -> server.postMultipart("/predict", photo));
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() ->
              assertThat(server.get("/metrics").body())
                  .contains("model_state{model=\"image-triage\",state=\"stalled\"} 1.0"));
      HttpResponse<String> ready = server.get("/readyz");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("stalled");
      HttpResponse<String> refused = server.postMultipart("/predict", photo);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(refused).path("error_type").asText()).isEqualTo("model_not_ready");

      runtime.release();
      await().atMost(Duration.ofSeconds(15)).until(() -> server.get("/readyz").statusCode() == 200);
      assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void reloadsUnderLoadLoseNoRequestAndAFailedOneKeepsTheServingVersion() throws Exception {
    TestModels.addImageTriage(repo);
    String token = "reliability-admin-token";
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(3));
    try (TestServer server = TestServer.start(repo, Map.of("admin.token", token))) {
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> load = new ArrayList<>();
      int[] served = new int[1];
      for (int c = 0; c < 4; c++) {
        load.add(
            Thread.ofPlatform()
                .start(() -> {
                  while (!stop.get()) {
                    HttpResponse<String> r = server.postMultipart("/predict", photo);
                    if (r.statusCode() != 200) {
                      failures.add(r.statusCode() + " " + r.body());
                    } else {
                      synchronized (served) {
                        served[0]++;
                      }
                    }
                  }
                }));
      }
      HttpResponse<String> healthy = reload(server, token);
      assertThat(healthy.statusCode()).as(healthy.body()).isEqualTo(200);
      // Version 2 is not a model: its reload fails and version 1 goes on serving.
      TestModels.write(repo.resolve("image-triage/2/model.onnx"), "not an ONNX graph");
      HttpResponse<String> broken = reload(server, token);
      assertThat(broken.statusCode()).isEqualTo(503);
      Thread.sleep(500);
      stop.set(true);
      for (Thread t : load) {
        t.join(30_000);
      }

      assertThat(failures).as("requests failed during the reloads").isEmpty();
      assertThat(served[0]).isPositive();
      JsonNode index = TestServer.json(server.postJson("/v2/repository/index", "{}"));
      assertThat(index.toString()).contains("\"version\":\"1\"", "READY", "reload failed");
      assertThat(server.get("/metrics").body())
          .contains("model_load_failures_total{model=\"image-triage\",reason=\"runtime\"} 1.0")
          .contains("model_loaded{model=\"image-triage\",version=\"1\"} 1.0");
      assertThat(server.get("/readyz").statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> reload(TestServer server, String token) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/v2/repository/models/image-triage/load"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.noBody()));
  }
}
