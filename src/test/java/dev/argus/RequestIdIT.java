package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.argus.testing.BundledServerTest;
import dev.argus.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A sane client request id is kept end to end; an insane one is replaced, never echoed or logged.
 */
class RequestIdIT extends BundledServerTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    root().detachAppender(logs);
  }

  @Test
  void saneIdIsEchoedInHeaderBodyAndLogContext() throws IOException {
    String id = "client-42:req.7_x";
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/predict/no-such-model"))
                .header("X-Request-ID", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\": \"aGk=\"}")));

    assertThat(response.headers().firstValue("X-Request-ID")).hasValue(id);
    assertThat(TestServer.json(response).path("request_id").asText()).isEqualTo(id);
    awaitRequestLineWithId(id);
  }

  @Test
  void absentIdIsGenerated() {
    HttpResponse<String> response = server.get("/health");

    assertThat(response.headers().firstValue("X-Request-ID").orElseThrow()).matches("[0-9a-f]{32}");
  }

  @Test
  void overlongIdIsReplacedNotEchoedNotLogged() {
    String longId = "x".repeat(500);
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/health")).header("X-Request-ID", longId).GET());

    String replacement = response.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(replacement).matches("[0-9a-f]{32}");
    assertThat(response.body()).doesNotContain(longId);
    awaitRequestLineWithId(replacement);
    assertNeverLogged(longId);
  }

  @Test
  void idWithForbiddenCharactersIsReplaced() {
    String bad = "id with spaces;and=stuff";
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/health")).header("X-Request-ID", bad).GET());

    assertThat(response.headers().firstValue("X-Request-ID").orElseThrow()).matches("[0-9a-f]{32}");
    assertNeverLogged(bad);
  }

  @Test
  void idContainingANewlineIsReplacedNotEchoedNotLogged() throws IOException {
    String raw =
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: abc\nX-Injected: evil-line\r\n\r\n";

    String response = rawExchange(raw);

    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).containsPattern("X-Request-ID: [0-9a-f]{32}");
    assertThat(response).doesNotContain("X-Request-ID: abc").doesNotContain("evil-line");
    assertThat(response).contains("\"error_type\":\"bad_request\"");
    assertNeverLogged("evil-line");
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  /** The request line is written after the response is sent, so it may trail the client. */
  private void awaitRequestLineWithId(String id) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(requestLines())
                .anySatisfy(
                    e -> assertThat(e.getMDCPropertyMap()).containsEntry("request_id", id)));
  }

  private List<ILoggingEvent> requestLines() {
    synchronized (logs) {
      return logs.list.stream()
          .filter(e ->
              e.getMessage().startsWith("request_completed")
                  || e.getMessage().startsWith("request_failed"))
          .toList();
    }
  }

  private void assertNeverLogged(String text) {
    List<ILoggingEvent> events;
    synchronized (logs) {
      events = List.copyOf(logs.list);
    }
    for (ILoggingEvent e : events) {
      assertThat(e.getFormattedMessage()).doesNotContain(text);
      assertThat(e.getMDCPropertyMap().values())
          .allSatisfy(v -> assertThat(v).doesNotContain(text));
    }
  }

  private static String rawExchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.server().port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
