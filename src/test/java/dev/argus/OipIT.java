package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Open Inference Protocol v2 endpoints against real models: image-triage (as a tensor model and
 * with encoded images) and all-MiniLM-L6-v2 (three int64 inputs, a 3-D output).
 */
class OipIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path repo;
  static TestServer server;

  @BeforeAll
  static void start() {
    TestModels.addImageTriage(repo);
    TestModels.addMiniLm(repo);
    server = TestServer.start(repo, Map.of("models.default_model", "image-triage"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> post(String path, String json) {
    return OipItSupport.post(server, path, json);
  }

  static HttpResponse<byte[]> postBinary(String path, String header, byte[]... tensors) {
    return OipItSupport.postBinary(server, path, header, tensors);
  }

  @Test
  void serverMetadataAndHealthSpeakTheProtocol() {
    JsonNode v2 = TestServer.json(server.get("/v2"));
    assertThat(v2.path("name").asText()).isEqualTo("argus");
    assertThat(v2.path("version").asText()).isNotEmpty();
    assertThat(v2.path("extensions").toString())
        .contains("binary_tensor_data", "model_repository", "statistics");

    HttpResponse<String> live = server.get("/v2/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(live).path("live").asBoolean()).isTrue();
    HttpResponse<String> ready = server.get("/v2/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(ready).path("ready").asBoolean()).isTrue();
  }

  @Test
  void modelMetadataComesFromTheOnnxSession() {
    JsonNode meta = TestServer.json(server.get("/v2/models/minilm"));
    assertThat(meta.path("name").asText()).isEqualTo("minilm");
    assertThat(meta.path("versions").toString()).isEqualTo("[\"1\"]");
    assertThat(meta.path("platform").asText()).isEqualTo("onnxruntime_onnx");
    assertThat(meta.path("inputs").findValuesAsText("name"))
        .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
    for (JsonNode in : meta.path("inputs")) {
      assertThat(in.path("datatype").asText()).isEqualTo("INT64");
      assertThat(in.path("shape").toString()).isEqualTo("[-1,-1]");
    }
    JsonNode out = meta.path("outputs").get(0);
    assertThat(out.path("name").asText()).isEqualTo("last_hidden_state");
    assertThat(out.path("datatype").asText()).isEqualTo("FP32");
    assertThat(out.path("shape").toString()).isEqualTo("[-1,-1,384]");

    JsonNode image = TestServer.json(server.get("/v2/models/image-triage/versions/1"));
    assertThat(image.path("inputs").get(0).path("datatype").asText()).isEqualTo("FP32");
    assertThat(image.path("parameters").path("image_input").asText()).contains("BYTES");

    assertThat(server.get("/v2/models/image-triage/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/image-triage/versions/1/ready").statusCode()).isEqualTo(200);
    // A model or version that does not exist is 404, as clients expect; not ready would be 503.
    assertThat(server.get("/v2/models/image-triage/versions/7/ready").statusCode()).isEqualTo(404);
    assertThat(server.get("/v2/models/nope/ready").statusCode()).isEqualTo(404);
    HttpResponse<String> unknown = server.get("/v2/models/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(unknown).path("error").asText())
        .isEqualTo("Request for unknown model: 'nope' is not found");
    assertThat(server.get("/v2/models/image-triage/versions/7").statusCode()).isEqualTo(404);
  }

  /** Token ids of "hello world" and "goodbye moon" in the model's WordPiece vocabulary. */
  private static final long[][] SENTENCES = {{101, 7592, 2088, 102}, {101, 9119, 4231, 102}};

  private static String miniLmRequest(boolean nested, String id) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", id);
    ArrayNode inputs = body.putArray("inputs");
    for (String name : List.of("token_type_ids", "input_ids", "attention_mask")) {
      ObjectNode in = inputs.addObject();
      in.put("name", name).put("datatype", "INT64");
      in.putArray("shape").add(2).add(4);
      in.putObject("parameters");
      ArrayNode data = in.putArray("data");
      for (long[] sentence : SENTENCES) {
        ArrayNode row = nested ? data.addArray() : data;
        for (long token : sentence) {
          row.add(name.equals("input_ids") ? token : name.equals("attention_mask") ? 1 : 0);
        }
      }
    }
    body.putArray("outputs").addObject().put("name", "last_hidden_state");
    return body.toString();
  }

  @Test
  void miniLmTakesThreeInt64InputsAndAnswersA3dOutput() throws Exception {
    HttpResponse<String> flat = post("/v2/models/minilm/infer", miniLmRequest(false, "req-7"));
    assertThat(flat.statusCode()).as(flat.body()).isEqualTo(200);
    JsonNode body = TestServer.json(flat);
    assertThat(body.path("id").asText()).isEqualTo("req-7");
    assertThat(body.path("model_name").asText()).isEqualTo("minilm");
    assertThat(body.path("model_version").asText()).isEqualTo("1");
    JsonNode out = body.path("outputs").get(0);
    assertThat(out.path("name").asText()).isEqualTo("last_hidden_state");
    assertThat(out.path("datatype").asText()).isEqualTo("FP32");
    assertThat(out.path("shape").toString()).isEqualTo("[2,4,384]");
    assertThat(out.path("data").size()).isEqualTo(2 * 4 * 384);
    // Two different sentences give different embeddings; the same request gives the same ones.
    float[] data = floats(out.path("data"));
    assertThat(java.util.Arrays.copyOfRange(data, 384, 768))
        .isNotEqualTo(java.util.Arrays.copyOfRange(data, 4 * 384 + 384, 4 * 384 + 768));

    HttpResponse<String> nested =
        post("/v2/models/minilm/versions/1/infer", miniLmRequest(true, "req-8"));
    assertThat(floats(TestServer.json(nested).path("outputs").get(0).path("data"))).isEqualTo(data);
  }

  @Test
  void binaryTensorsGiveTheSameResultsAsJsonFor8Images() throws Exception {
    Random random = new Random(42);
    int count = 8 * 3 * 224 * 224;
    float[] pixels = new float[count];
    for (int i = 0; i < count; i++) {
      pixels[i] = (float) random.nextGaussian();
    }
    String input =
        TestServer.json(server.get("/v2/models/image-triage"))
            .path("inputs")
            .get(0)
            .path("name")
            .asText();
    String output =
        TestServer.json(server.get("/v2/models/image-triage"))
            .path("outputs")
            .get(0)
            .path("name")
            .asText();

    ObjectNode json = JSON.createObjectNode();
    ObjectNode in = json.putArray("inputs").addObject();
    in.put("name", input).put("datatype", "FP32");
    in.putArray("shape").add(8).add(3).add(224).add(224);
    ArrayNode data = in.putArray("data");
    for (float p : pixels) {
      data.add(p);
    }
    HttpResponse<String> viaJson = post("/v2/models/image-triage/infer", json.toString());
    assertThat(viaJson.statusCode()).as(viaJson.body()).isEqualTo(200);
    float[] fromJson = floats(TestServer.json(viaJson).path("outputs").get(0).path("data"));

    ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(pixels);
    String header =
        """
        {"inputs":[{"name":"%s","shape":[8,3,224,224],"datatype":"FP32","parameters":{"binary_data_size":%d}}],
         "outputs":[{"name":"%s","parameters":{"binary_data":true}}]}\
        """
            .formatted(input, count * 4, output);
    HttpResponse<byte[]> viaBinary =
        postBinary("/v2/models/image-triage/infer", header, bytes.array());
    assertThat(viaBinary.statusCode()).isEqualTo(200);
    int headerLength =
        Integer.parseInt(
            viaBinary.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode responseHeader =
        JSON.readTree(new String(viaBinary.body(), 0, headerLength, StandardCharsets.UTF_8));
    JsonNode out = responseHeader.path("outputs").get(0);
    assertThat(out.path("shape").toString()).isEqualTo("[8,3]");
    assertThat(out.has("data")).isFalse();
    int size = out.path("parameters").path("binary_data_size").asInt();
    assertThat(size).isEqualTo(8 * 3 * 4);
    float[] fromBinary = new float[8 * 3];
    ByteBuffer.wrap(viaBinary.body(), headerLength, size)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(fromBinary);

    assertThat(fromBinary).containsExactly(fromJson);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void encodedImagesAsBytesGetTheSameLabelAsPredict(int photoIndex) throws Exception {
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(photoIndex));
    String expected =
        TestServer.json(server.postMultipart("/predict", photo)).path("prediction").asText();

    // Binary BYTES element: 4-byte little-endian length, then the encoded image.
    ByteBuffer element = ByteBuffer.allocate(4 + photo.length).order(ByteOrder.LITTLE_ENDIAN);
    element.putInt(photo.length).put(photo);
    HttpResponse<byte[]> response =
        postBinary(
            "/v2/models/image-triage/infer",
            "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":%d}}]}"
                .formatted(element.capacity()),
            element.array());
    assertThat(response.statusCode())
        .as(new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    JsonNode label = body.path("outputs").get(0);
    assertThat(label.path("name").asText()).isEqualTo("label");
    assertThat(label.path("datatype").asText()).isEqualTo("BYTES");
    assertThat(label.path("data").get(0).asText()).isEqualTo(expected);
    assertThat(body.path("outputs").get(1).path("name").asText()).isEqualTo("confidence");
  }

  @Test
  void invalidRequestsGetA400NamingTheProblemAndTheServerStaysHealthy() {
    String ids = "\"datatype\":\"INT64\",\"shape\":[1,2],\"data\":[101,102]";
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("{\"inputs\":[{\"name\":\"nope\"," + ids + "}]}", "unknown input 'nope'"),
            Map.entry("{\"inputs\":[{\"name\":\"input_ids\"," + ids + "}]}", "missing input"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1,2]},"
                    + "{\"name\":\"attention_mask\","
                    + ids
                    + "},{\"name\":\"token_type_ids\","
                    + ids
                    + "}]}",
                "has datatype FP32 (expected: INT64)"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[1,3],\"data\":[1,2]}]}",
                "holds 2 elements (expected: 3"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"input_ids\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1,2]},"
                    + "{\"name\":\"attention_mask\","
                    + ids
                    + "},{\"name\":\"token_type_ids\","
                    + ids
                    + "}]}",
                "has shape [2] (expected: [-1, -1]"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"input_ids\","
                    + ids
                    + "}],\"outputs\":[{\"name\":\"a\"},{\"name\":\"a\"}]}",
                "requested twice"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[16,1152921504606846978],\"data\":[1]}]}",
                "more elements than can be counted"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[-1,2],\"data\":[1,2]}]}",
                "expected: dimensions as integers >= 0"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":"
                    + "[".repeat(5000)
                    + "1"
                    + "]".repeat(5000)
                    + "}]}",
                "nesting depth"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"COMPLEX\",\"shape\":[1],\"data\":[1]}]}",
                "datatype 'COMPLEX'"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"fp32\",\"shape\":[1],\"data\":[1]}]}",
                "datatype 'fp32'"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[256]}]}",
                "out of range 0..255"),
            Map.entry(
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[5000,5000],\"data\":[1]}]}",
                "limits.max_tensor_elements"),
            Map.entry("[1,2]", "expected a JSON object"),
            Map.entry("{\"inputs\": [", "not valid JSON"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r = post("/v2/models/minilm/infer", c.getKey());
      assertThat(r.statusCode()).as(c.getValue() + ": " + r.body()).isEqualTo(400);
      assertThat(TestServer.json(r).path("error").asText()).as(r.body()).contains(c.getValue());
      assertThat(TestServer.json(r).path("request_id").asText()).isNotEmpty();
    }
    HttpResponse<byte[]> noHeader = postBinary("/v2/models/minilm/infer", "");
    assertThat(noHeader.statusCode()).isEqualTo(400);
    HttpResponse<byte[]> shortBytes =
        postBinary(
            "/v2/models/image-triage/infer",
            "{\"inputs\":[{\"name\":\"image\",\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":5}}]}",
            new byte[] {1, 0, 0, 0, 7});
    assertThat(shortBytes.statusCode()).isEqualTo(400);
    assertThat(new String(shortBytes.body(), StandardCharsets.UTF_8))
        .contains("holds 1 elements (expected: 2)");
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(post("/v2/models/minilm/infer", miniLmRequest(false, "after")).statusCode())
        .isEqualTo(200);
  }

  @Test
  void gzipAndDeflateBodiesAreDecodedAndOtherEncodingsRefused() throws Exception {
    byte[] json = miniLmRequest(false, "gz").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(json);
    }
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream out =
        new java.util.zip.DeflaterOutputStream(deflated)) {
      out.write(json);
    }
    for (Map.Entry<String, byte[]> e :
        Map.of("gzip", gz.toByteArray(), "deflate", deflated.toByteArray()).entrySet()) {
      HttpResponse<String> r =
          server.send(
              HttpRequest.newBuilder(server.uri("/v2/models/minilm/infer"))
                  .header("Content-Encoding", e.getKey())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(e.getValue())));
      assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(200);
      assertThat(TestServer.json(r).path("id").asText()).isEqualTo("gz");
    }
    HttpResponse<String> br =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/minilm/infer"))
                .header("Content-Encoding", "br")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    assertThat(br.statusCode()).isEqualTo(400);
    assertThat(TestServer.json(br).path("error").asText())
        .contains("Content-Encoding 'br' is not supported");
    // 20 MB of zeros in 20 KB: decoding stops at limits.max_request_bytes (16 MiB).
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bomb)) {
      out.write(new byte[20 * 1024 * 1024]);
    }
    HttpResponse<String> tooBig =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/minilm/infer"))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bomb.toByteArray())));
    assertThat(tooBig.statusCode()).isEqualTo(413);
    HttpResponse<String> broken =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/minilm/infer"))
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    assertThat(broken.statusCode()).isEqualTo(400);
  }

  @Test
  void statisticsCountProtocolRequests() {
    assertThat(post("/v2/models/minilm/infer", miniLmRequest(false, "s")).statusCode())
        .isEqualTo(200);
    JsonNode stats =
        TestServer.json(server.get("/v2/models/minilm/stats")).path("model_stats").get(0);
    assertThat(stats.path("inference_count").asLong()).isPositive();
    assertThat(stats.path("inference_stats").path("success").path("count").asLong()).isPositive();
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }
}
