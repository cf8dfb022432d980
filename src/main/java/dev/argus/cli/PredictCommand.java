package dev.argus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code argus predict IMAGE}: classifies an image with a running server. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Classify an image with a running Argus server and print the top labels.")
public final class PredictCommand implements Callable<Integer> {
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
    String boundary = "argus" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
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
