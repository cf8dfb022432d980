package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.argus.testing.BundledServerTest;
import dev.argus.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes exactly the routes the running server has. */
class OpenApiIT extends BundledServerTest {

  @Test
  void documentListsExactlyTheServedEndpoints() throws Exception {
    Set<String> documented = documentedOperations();
    Set<String> served = new HashSet<>();
    for (JsonNode e : TestServer.json(server.get("/")).path("endpoints")) {
      served.add(e.path("method").asText() + " " + e.path("path").asText());
    }

    assertThat(documented).isEqualTo(served);
  }

  @Test
  void everyDocumentedOperationIsRoutedByTheServer() throws Exception {
    for (String operation : documentedOperations()) {
      String[] parts = operation.split(" ", 2);
      String path =
          parts[1]
              .replace("{model}", "image-triage")
              .replace("{version}", "1")
              .replaceAll("\\{[a-z_]+}", "x");
      HttpResponse<String> response =
          server.send(
              HttpRequest.newBuilder(server.uri(path))
                  .method(parts[0], HttpRequest.BodyPublishers.noBody()));
      assertThat(response.statusCode()).as(operation).isNotEqualTo(405);
      // A routed endpoint may answer 404 for its own reasons (admin endpoints are off here
      // without a token); only the router's "no endpoint" means it is not routed.
      if (response.statusCode() == 404) {
        assertThat(TestServer.json(response).path("error").asText())
            .as(operation)
            .doesNotStartWith("no endpoint");
      }
    }
  }

  @Test
  void documentIsServedAsYaml() {
    HttpResponse<String> response = server.get("/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(response.body()).startsWith("openapi: 3.");
  }

  private static Set<String> documentedOperations() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(server.get("/openapi.yaml").body());
    Set<String> operations = new HashSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      p.getValue()
          .fieldNames()
          .forEachRemaining(m -> operations.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
    }
    return operations;
  }
}
