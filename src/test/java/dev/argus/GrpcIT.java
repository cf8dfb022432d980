package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelConfig;
import dev.argus.transport.grpc.proto.ModelConfigRequest;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelMetadataRequest;
import dev.argus.transport.grpc.proto.ModelMetadataResponse;
import dev.argus.transport.grpc.proto.ModelReadyRequest;
import dev.argus.transport.grpc.proto.ModelStatistics;
import dev.argus.transport.grpc.proto.ModelStatisticsRequest;
import dev.argus.transport.grpc.proto.RepositoryIndexRequest;
import dev.argus.transport.grpc.proto.RepositoryIndexResponse;
import dev.argus.transport.grpc.proto.ServerLiveRequest;
import dev.argus.transport.grpc.proto.ServerMetadataRequest;
import dev.argus.transport.grpc.proto.ServerMetadataResponse;
import dev.argus.transport.grpc.proto.ServerReadyRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Open Inference Protocol over gRPC against a started server, with the grpc-java client
 * generated from Argus's .proto: every descriptive RPC, FP32 and INT64 tensors in typed and raw
 * contents (checked against the same request over REST), a batch of two, and BYTES images to
 * image-triage with the labels their file names say.
 */
class GrpcIT {
  static final String TOKEN = "grpc-admin-token-0123456789";
  @TempDir static Path repo;
  static TestServer server;
  static GrpcClient client;

  @BeforeAll
  static void start() {
    TestModels.addImageTriage(repo);
    TestModels.addMlp(repo);
    TestModels.addMiniLm(repo);
    server =
        TestServer.start(
            repo, Map.of("models.default_model", "image-triage", "admin.token", TOKEN));
    client = new GrpcClient(server.grpcPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void serverLiveReadyAndMetadataDescribeArgus() {
    assertThat(client.stub().serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    assertThat(client.stub().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
    ServerMetadataResponse meta =
        client.stub().serverMetadata(ServerMetadataRequest.getDefaultInstance());
    assertThat(meta.getName()).isEqualTo("argus");
    assertThat(meta.getVersion()).isNotEmpty();
    assertThat(meta.getExtensionsList())
        .containsExactly("model_repository", "model_configuration", "statistics");
  }

  @Test
  void modelReadyIsTrueOnlyForAServedModelAndVersion() {
    assertThat(ready("mlp", "")).isTrue();
    assertThat(ready("mlp", "1")).isTrue();
    assertThat(ready("mlp", "7")).isFalse();
    assertThat(ready("nope", "")).isFalse();
  }

  private static boolean ready(String name, String version) {
    return client
        .stub()
        .modelReady(ModelReadyRequest.newBuilder().setName(name).setVersion(version).build())
        .getReady();
  }

  @Test
  void modelMetadataIsTheSessionsInputsAndOutputs() {
    ModelMetadataResponse meta =
        client.stub().modelMetadata(ModelMetadataRequest.newBuilder().setName("minilm").build());
    assertThat(meta.getName()).isEqualTo("minilm");
    assertThat(meta.getVersionsList()).containsExactly("1");
    assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(meta.getInputsList())
        .extracting(ModelMetadataResponse.TensorMetadata::getName)
        .containsExactlyInAnyOrder("input_ids", "attention_mask", "token_type_ids");
    assertThat(meta.getInputs(0).getDatatype()).isEqualTo("INT64");
    assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L, -1L);
    assertThat(meta.getOutputs(0).getShapeList()).containsExactly(-1L, -1L, 384L);
  }

  @Test
  void modelConfigSaysWhatArgusBatchesAndRuns() {
    ModelConfig triage =
        client
            .stub()
            .modelConfig(ModelConfigRequest.newBuilder().setName("image-triage").build())
            .getConfig();
    // image-triage ships with max_batch_size 4: dims leave the batch dimension out, as Triton's.
    assertThat(triage.getMaxBatchSize()).isEqualTo(4);
    assertThat(triage.getInput(0).getDimsList()).containsExactly(3L, 224L, 224L);
    assertThat(triage.getDynamicBatching().getMaxQueueDelayMicroseconds()).isPositive();
    assertThat(triage.getBackend()).isEqualTo("onnxruntime");
    // instances: 0 (the default) runs one worker per core, up to 4.
    assertThat(triage.getInstanceGroup(0).getCount())
        .isEqualTo(Math.min(Runtime.getRuntime().availableProcessors(), 4));

    ModelConfig mlp =
        client
            .stub()
            .modelConfig(ModelConfigRequest.newBuilder().setName("mlp").build())
            .getConfig();
    assertThat(mlp.getMaxBatchSize()).isZero();
    assertThat(mlp.getInput(0).getDimsList()).containsExactly(-1L, 1024L);
    assertThat(mlp.getInput(0).getDataType())
        .isEqualTo(dev.argus.transport.grpc.proto.DataType.TYPE_FP32);
    assertThat(mlp.hasDynamicBatching()).isFalse();
  }

  @Test
  void fp32RawContentsGiveTheSameOutputAsRestAndEchoTheIds() throws Exception {
    float[] input = randomFloats(1024, 1);
    GrpcClient.Answer answer = new GrpcClient.Answer();
    ModelInferResponse r =
        client
            .stub(Map.of("x-request-id", "grpc-raw-1"), answer)
            .modelInfer(
                GrpcClient.rawFloats("mlp", "input", new long[] {1, 1024}, input).toBuilder()
                    .setId("my-id")
                    .build());
    assertThat(r.getId()).isEqualTo("my-id");
    assertThat(r.getModelName()).isEqualTo("mlp");
    assertThat(r.getModelVersion()).isEqualTo("1");
    assertThat(r.getOutputs(0).getName()).isEqualTo("output");
    assertThat(r.getOutputs(0).getDatatype()).isEqualTo("FP32");
    assertThat(r.getOutputs(0).getShapeList()).containsExactly(1L, 10L);
    assertThat(r.getOutputs(0).hasContents()).isFalse();
    assertThat(GrpcClient.floats(r.getRawOutputContents(0))).containsExactly(rest(input, 1));
    assertThat(answer.headers().get(GrpcClient.REQUEST_ID)).isEqualTo("grpc-raw-1");
    assertThat(answer.trailers().get(GrpcClient.REQUEST_ID)).isEqualTo("grpc-raw-1");
    assertThat(answer.trailers().get(GrpcClient.SERVER_TIMING))
        .contains("decode;dur=", "queue;dur=", "compute;dur=");
  }

  @Test
  void fp32TypedContentsAnswerTypedContents() throws Exception {
    float[] input = randomFloats(1024, 2);
    ModelInferResponse r =
        client
            .stub()
            .modelInfer(GrpcClient.typedFloats("mlp", "input", new long[] {1, 1024}, input));
    assertThat(r.getRawOutputContentsCount()).isZero();
    assertThat(r.getOutputs(0).getContents().getFp32ContentsList())
        .containsExactly(box(rest(input, 1)));
  }

  @Test
  void aBatchOfTwoAnswersTwoRows() throws Exception {
    float[] two = randomFloats(2048, 3);
    ModelInferResponse r =
        client.stub().modelInfer(GrpcClient.rawFloats("mlp", "input", new long[] {2, 1024}, two));
    assertThat(r.getOutputs(0).getShapeList()).containsExactly(2L, 10L);
    assertThat(GrpcClient.floats(r.getRawOutputContents(0))).containsExactly(rest(two, 2));
  }

  /** Token ids of "hello world" and "goodbye moon". */
  private static final long[] TOKENS = {101, 7592, 2088, 102, 101, 9119, 4231, 102};

  @Test
  void int64RawAndTypedContentsGiveTheSameEmbeddings() {
    ModelInferRequest.Builder typed =
        ModelInferRequest.newBuilder().setModelName("minilm").setId("minilm-typed");
    ModelInferRequest.Builder raw = ModelInferRequest.newBuilder().setModelName("minilm");
    for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
      InferTensorContents.Builder c = InferTensorContents.newBuilder();
      ByteBuffer bytes = ByteBuffer.allocate(8 * TOKENS.length).order(ByteOrder.LITTLE_ENDIAN);
      for (long token : TOKENS) {
        long v = name.equals("input_ids") ? token : name.equals("attention_mask") ? 1 : 0;
        c.addInt64Contents(v);
        bytes.putLong(v);
      }
      typed.addInputs(GrpcClient.tensor(name, "INT64", new long[] {2, 4}).setContents(c));
      raw.addInputs(GrpcClient.tensor(name, "INT64", new long[] {2, 4}));
      raw.addRawInputContents(ByteString.copyFrom(bytes.array()));
    }
    typed.putParameters("typed_contents", InferParameter.newBuilder().setBoolParam(true).build());
    ModelInferResponse fromTyped = client.stub().modelInfer(typed.build());
    ModelInferResponse fromRaw = client.stub().modelInfer(raw.build());

    assertThat(fromTyped.getId()).isEqualTo("minilm-typed");
    assertThat(fromTyped.getOutputs(0).getName()).isEqualTo("last_hidden_state");
    assertThat(fromTyped.getOutputs(0).getShapeList()).containsExactly(2L, 4L, 384L);
    List<Float> typedValues = fromTyped.getOutputs(0).getContents().getFp32ContentsList();
    assertThat(typedValues).hasSize(2 * 4 * 384);
    assertThat(GrpcClient.floats(fromRaw.getRawOutputContents(0)))
        .containsExactly(unbox(typedValues));
    // Two different sentences, two different embeddings.
    assertThat(typedValues.subList(384, 768)).isNotEqualTo(typedValues.subList(1920, 2304));
  }

  @Test
  void bytesImagesToImageTriageAreLabelledAsTheirFilesSay() throws Exception {
    List<Path> photos = TestModels.labelledPhotos();
    ModelInferRequest.Builder raw = ModelInferRequest.newBuilder().setModelName("image-triage");
    InferTensorContents.Builder typed = InferTensorContents.newBuilder();
    java.io.ByteArrayOutputStream prefixed = new java.io.ByteArrayOutputStream();
    List<String> expected = new ArrayList<>();
    for (Path photo : photos) {
      byte[] bytes = Files.readAllBytes(photo);
      typed.addBytesContents(ByteString.copyFrom(bytes));
      prefixed.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
      prefixed.writeBytes(bytes);
      expected.add(TestModels.expectedClass(photo));
    }
    long[] shape = {photos.size()};
    raw.addInputs(GrpcClient.tensor("image", "BYTES", shape))
        .addRawInputContents(ByteString.copyFrom(prefixed.toByteArray()));
    ModelInferResponse fromRaw = client.stub().modelInfer(raw.build());
    assertThat(fromRaw.getOutputsList())
        .extracting(ModelInferResponse.InferOutputTensor::getName)
        .containsExactly("label", "confidence", "class_id");
    assertThat(labels(fromRaw.getRawOutputContents(0))).containsExactlyElementsOf(expected);

    ModelInferResponse fromTyped =
        client
            .stub()
            .modelInfer(
                ModelInferRequest.newBuilder()
                    .setModelName("image-triage")
                    .addInputs(GrpcClient.tensor("photos", "BYTES", shape).setContents(typed))
                    .addOutputs(
                        ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("label"))
                    .putParameters(
                        "typed_contents", InferParameter.newBuilder().setBoolParam(true).build())
                    .build());
    assertThat(fromTyped.getOutputsCount()).isEqualTo(1);
    assertThat(fromTyped.getOutputs(0).getContents().getBytesContentsList())
        .extracting(ByteString::toStringUtf8)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void statisticsCountWhatRanAndTheRepositoryIndexListsEveryModel() {
    client
        .stub()
        .modelInfer(GrpcClient.rawFloats("mlp", "input", new long[] {1, 1024}, new float[1024]));
    ModelStatistics mlp =
        client
            .stub()
            .modelStatistics(ModelStatisticsRequest.newBuilder().setName("mlp").build())
            .getModelStats(0);
    assertThat(mlp.getName()).isEqualTo("mlp");
    assertThat(mlp.getVersion()).isEqualTo("1");
    assertThat(mlp.getInferenceCount()).isPositive();
    assertThat(mlp.getExecutionCount()).isPositive();
    assertThat(mlp.getInferenceStats().getComputeInfer().getNs()).isPositive();
    assertThat(
            client
                .stub()
                .modelStatistics(ModelStatisticsRequest.getDefaultInstance())
                .getModelStatsCount())
        .isEqualTo(3);

    RepositoryIndexResponse index =
        client.stub().repositoryIndex(RepositoryIndexRequest.getDefaultInstance());
    assertThat(index.getModelsList())
        .extracting(RepositoryIndexResponse.ModelIndex::getName)
        .containsExactly("image-triage", "minilm", "mlp");
    assertThat(index.getModelsList()).allSatisfy(m -> assertThat(m.getState()).isEqualTo("READY"));
  }

  /** The mlp's answer to the same tensor over REST (JSON), as floats. */
  private static float[] rest(float[] input, int rows) throws Exception {
    StringBuilder data = new StringBuilder();
    for (float f : input) {
      data.append(data.isEmpty() ? "" : ",").append(f);
    }
    String body =
        "{\"inputs\":[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":["
            + rows
            + ",1024],\"data\":["
            + data
            + "]}]}";
    JsonNode out =
        TestServer.json(OipItSupport.post(server, "/v2/models/mlp/infer", body))
            .path("outputs")
            .get(0)
            .path("data");
    float[] values = new float[out.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) out.get(i).asDouble();
    }
    return values;
  }

  static float[] randomFloats(int n, long seed) {
    Random random = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static Float[] box(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static float[] unbox(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  /** BYTES elements of a raw output: a 4-byte little-endian length before each. */
  static List<String> labels(ByteString raw) {
    ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    List<String> out = new ArrayList<>();
    while (buf.hasRemaining()) {
      byte[] b = new byte[buf.getInt()];
      buf.get(b);
      out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }
}
