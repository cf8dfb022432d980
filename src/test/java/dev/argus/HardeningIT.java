package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.ExternalTools;
import dev.argus.testing.TestImages;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits, CORS, TLS, slow and oversized clients, profiling and memory on a real server. */
class HardeningIT {
  private static final String TOKEN = "hardening-admin-token-0001";

  private static HttpResponse<String> predictAs(TestServer server, String apiKey, byte[] image) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/predict"))
            .header("X-API-Key", apiKey)
            .header("Content-Type", "multipart/form-data; boundary=b")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(TestServer.multipart("b", "file", image))));
  }

  @Test
  void aClientOverItsRateGets429WhileAnotherIsUnaffected() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of(
                "rate_limit.requests_per_second", "0.2",
                "rate_limit.burst", "2",
                "rate_limit.key", "header:X-API-Key"))) {
      assertThat(predictAs(server, "alice", photo).statusCode()).isEqualTo(200);
      assertThat(predictAs(server, "alice", photo).statusCode()).isEqualTo(200);
      HttpResponse<String> limited = predictAs(server, "alice", photo);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(TestServer.json(limited).path("error_type").asText()).isEqualTo("rate_limited");
      assertThat(TestServer.json(limited).path("error").asText()).contains("X-API-Key");
      assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1, 5);

      assertThat(predictAs(server, "bob", photo).statusCode()).isEqualTo(200);
      for (int i = 0; i < 20; i++) {
        assertThat(server.get("/healthz").statusCode()).isEqualTo(200); // probes are never limited
      }
      assertThat(server.get("/metrics").body())
          .contains("http_server_rate_limited_total{route=\"/predict\"} 1.0");
    }
  }

  private static HttpResponse<String> preflight(
      TestServer server, String origin, String method, String headers) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/predict"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", headers)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  @Test
  void corsPreflightIsAllowedOrRefusedByConfig() {
    String app = "https://app.example.com";
    try (TestServer server =
        TestServer.start(TestModels.bundledRepository(), Map.of("cors.allowed_origins", app))) {
      HttpResponse<String> ok = preflight(server, app, "POST", "content-type, x-request-id");
      assertThat(ok.statusCode()).isEqualTo(204);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(app);
      assertThat(ok.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
          .contains("POST");
      assertThat(ok.headers().firstValue("Access-Control-Max-Age")).hasValue("600");

      HttpResponse<String> otherOrigin = preflight(server, "https://evil.example", "POST", "");
      assertThat(otherOrigin.statusCode()).isEqualTo(403);
      assertThat(otherOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      assertThat(TestServer.json(otherOrigin).path("error").asText())
          .contains("'https://evil.example' is not in cors.allowed_origins");
      assertThat(preflight(server, app, "DELETE", "").statusCode()).isEqualTo(403);
      assertThat(preflight(server, app, "POST", "x-secret").statusCode()).isEqualTo(403);

      HttpResponse<String> simple =
          server.send(HttpRequest.newBuilder(server.uri("/v2")).header("Origin", app));
      assertThat(simple.headers().firstValue("Access-Control-Allow-Origin")).hasValue(app);
      assertThat(simple.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
          .contains("X-Request-ID");
      HttpResponse<String> foreign =
          server.send(
              HttpRequest.newBuilder(server.uri("/v2")).header("Origin", "https://evil.example"));
      assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    try (TestServer off = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      HttpResponse<String> refused = preflight(off, app, "POST", "");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(TestServer.json(refused).path("error").asText()).contains("CORS is off");
    }
  }

  @Test
  void httpsWorksWithACertificateMadeForTheTest(@TempDir Path dir) throws Exception {
    Path openssl = ExternalTools.require("openssl", "openssl");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process p =
        new ProcessBuilder(
                openssl.toString(),
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();

    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(),
            Map.of("tls.cert_file", cert.toString(), "tls.key_file", key.toString()))) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(cert)) {
        trust.setCertificateEntry(
            "argus",
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
      URI base = URI.create("https://127.0.0.1:" + server.server().port());

      HttpResponse<String> health =
          https.send(
              HttpRequest.newBuilder(base.resolve("/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(1));
      HttpResponse<String> predicted =
          https.send(
              HttpRequest.newBuilder(base.resolve("/predict"))
                  .header("Content-Type", "multipart/form-data; boundary=b")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          TestServer.multipart("b", "file", photo)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(predicted.statusCode()).isEqualTo(200);
      // Plain HTTP on the TLS port gets no HTTP answer.
      assertThat(
              CompletableFuture.supplyAsync(
                      () -> {
                        try {
                          return HttpClient.newHttpClient()
                              .send(
                                  HttpRequest.newBuilder(
                                          URI.create(
                                              "http://127.0.0.1:"
                                                  + server.server().port()
                                                  + "/healthz"))
                                      .timeout(Duration.ofSeconds(5))
                                      .build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .statusCode();
                        } catch (Exception e) {
                          return -1;
                        }
                      })
                  .get())
          .isNotEqualTo(200);
    }
  }

  @Test
  void aClientSendingOneBytePerSecondIsCutOffWithoutTyingUpServing() throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(2));
    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(), Map.of("server.body_read_timeout", "2s"))) {
      long start = System.nanoTime();
      CompletableFuture<String> slow =
          CompletableFuture.supplyAsync(() -> {
            try (Socket s = new Socket("127.0.0.1", server.server().port())) {
              s.setSoTimeout(20_000);
              OutputStream out = s.getOutputStream();
              out.write(
                  ("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                          + "Content-Length: 100000\r\n\r\n")
                      .getBytes(StandardCharsets.US_ASCII));
              out.flush();
              InputStream in = s.getInputStream();
              for (int i = 0; i < 15; i++) {
                out.write('-');
                out.flush();
                Thread.sleep(1000);
                if (in.available() > 0) {
                  break;
                }
              }
              return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            } catch (Exception e) {
              return "closed: " + e;
            }
          });
      // Meanwhile everyone else is served as usual.
      for (int i = 0; i < 3; i++) {
        assertThat(server.postMultipart("/predict", photo).statusCode()).isEqualTo(200);
      }
      String answer = slow.get();
      long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
      assertThat(answer).startsWith("HTTP/1.1 408");
      assertThat(seconds).isLessThan(8);
      assertThat(server.get("/metrics").body())
          .containsPattern(
              "http_server_errors_total\\{[^}]*error_type=\"request_timeout\"[^}]*\\} 1.0");
    }
  }

  @Test
  void oversizedHeadersAndHugeImagesAreRefusedQuickly() {
    try (TestServer server = TestServer.start(TestModels.bundledRepository(), Map.of())) {
      HttpResponse<String> big =
          server.send(
              HttpRequest.newBuilder(server.uri("/healthz")).header("X-Big", "a".repeat(40_000)));
      assertThat(big.statusCode()).isBetween(400, 431);

      long start = System.nanoTime();
      HttpResponse<String> huge =
          server.postMultipart("/predict", TestImages.pngHeader(30_000, 30_000));
      assertThat(huge.statusCode()).isEqualTo(400);
      assertThat(TestServer.json(huge).path("error").asText()).contains("30000x30000");
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2000);
      assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void profileAndMemoryAreAdminEndpointsOnTheirOwnPort() throws Exception {
    try (TestServer server =
        TestServer.start(
            TestModels.bundledRepository(), Map.of("admin.token", TOKEN, "admin.port", "0"))) {
      int adminPort = server.server().adminPort().orElseThrow();
      HttpClient client = HttpClient.newHttpClient();
      URI admin = URI.create("http://127.0.0.1:" + adminPort);

      // Not on the inference port at all.
      assertThat(server.get("/admin/memory").statusCode()).isEqualTo(404);
      assertThat(TestServer.json(server.get("/admin/memory")).path("error").asText())
          .startsWith("no endpoint");

      HttpResponse<String> memory =
          client.send(
              HttpRequest.newBuilder(admin.resolve("/admin/memory"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(memory.statusCode()).isEqualTo(200);
      JsonNode m = TestServer.json(memory);
      assertThat(m.path("heap").path("used_bytes").asLong()).isPositive();
      assertThat(m.path("process").path("resident_bytes").asLong()).isPositive();
      assertThat(m.path("models").get(0).path("name").asText()).isEqualTo("image-triage");
      assertThat(m.path("models").get(0).path("file_bytes").asLong()).isPositive();

      HttpRequest profile =
          HttpRequest.newBuilder(admin.resolve("/admin/profile?seconds=2"))
              .header("Authorization", "Bearer " + TOKEN)
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      CompletableFuture<HttpResponse<byte[]>> first =
          client.sendAsync(profile, HttpResponse.BodyHandlers.ofByteArray());
      Thread.sleep(500);
      HttpResponse<String> second = client.send(profile, HttpResponse.BodyHandlers.ofString());
      assertThat(second.statusCode()).isEqualTo(409);
      HttpResponse<byte[]> jfr = first.get();
      assertThat(jfr.statusCode()).isEqualTo(200);
      assertThat(new String(jfr.body(), 0, 3, StandardCharsets.US_ASCII)).isEqualTo("FLR");
      assertThat(jfr.headers().firstValue("Content-Disposition").orElseThrow()).contains(".jfr");

      HttpResponse<String> tooLong =
          client.send(
              HttpRequest.newBuilder(admin.resolve("/admin/profile?seconds=9999"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(tooLong.statusCode()).isEqualTo(400);
      HttpResponse<String> noToken =
          client.send(
              HttpRequest.newBuilder(admin.resolve("/admin/memory")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(noToken.statusCode()).isEqualTo(401);
    }
  }
}
