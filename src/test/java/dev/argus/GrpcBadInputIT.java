package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ServerReadyRequest;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad gRPC requests, each answered with the status code that names the client's mistake (never
 * INTERNAL, never a hang), a message saying what was wrong and the request id; the server serves
 * normally afterwards. Malformed protobuf, an oversized message and an unknown method included; the
 * admin token's rules are in GrpcStreamIT, beside the repository RPCs they guard.
 */
class GrpcBadInputIT {
  @TempDir static Path repo;
  static TestServer server;
  static GrpcClient client;

  @BeforeAll
  static void start() {
    TestModels.addImageTriage(repo);
    TestModels.addMlp(repo);
    server =
        TestServer.start(
            repo,
            Map.of(
                "models.default_model", "mlp",
                "grpc.max_message_size", "256KiB",
                "limits.max_tensor_elements", "100000"));
    client = new GrpcClient(server.grpcPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static ModelInferRequest.Builder mlp(long... shape) {
    return ModelInferRequest.newBuilder()
        .setModelName("mlp")
        .addInputs(GrpcClient.tensor("input", "FP32", shape));
  }

  private static ModelInferRequest.Builder mlpRaw(int bytes) {
    return mlp(1, 1024).addRawInputContents(ByteString.copyFrom(new byte[bytes]));
  }

  private static InferTensorContents floats(int n) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (int i = 0; i < n; i++) {
      c.addFp32Contents(i);
    }
    return c.build();
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of(
            "unknown model",
            mlpRaw(4096).setModelName("nope"),
            Status.Code.NOT_FOUND,
            "Request for unknown model: 'nope' is not found"),
        Arguments.of(
            "a version not served",
            mlpRaw(4096).setModelVersion("7"),
            Status.Code.NOT_FOUND,
            "version 7 is not found (serving version 1)"),
        Arguments.of(
            "no model name",
            mlpRaw(4096).setModelName(""),
            Status.Code.INVALID_ARGUMENT,
            "model name '' is not valid"),
        Arguments.of(
            "no inputs",
            ModelInferRequest.newBuilder().setModelName("mlp"),
            Status.Code.INVALID_ARGUMENT,
            "inputs: none"),
        Arguments.of(
            "an unknown datatype",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(GrpcClient.tensor("input", "FLOAT", new long[] {1, 1024}))
                .addRawInputContents(ByteString.copyFrom(new byte[4096])),
            Status.Code.INVALID_ARGUMENT,
            "datatype 'FLOAT'"),
        Arguments.of(
            "the wrong datatype for the model",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(GrpcClient.tensor("input", "INT64", new long[] {1, 1024}))
                .addRawInputContents(ByteString.copyFrom(new byte[8192])),
            Status.Code.INVALID_ARGUMENT,
            "input 'input' has datatype INT64"),
        Arguments.of(
            "raw contents shorter than the shape",
            mlpRaw(12),
            Status.Code.INVALID_ARGUMENT,
            "raw_input_contents holds 12 bytes (expected: 4096"),
        Arguments.of(
            "raw contents for two inputs of one",
            mlpRaw(4096).addRawInputContents(ByteString.copyFrom(new byte[4])),
            Status.Code.INVALID_ARGUMENT,
            "raw_input_contents has 2 entries for 1 inputs"),
        Arguments.of(
            "raw and typed contents at once",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(
                    GrpcClient.tensor("input", "FP32", new long[] {1, 1024})
                        .setContents(floats(1024)))
                .addRawInputContents(ByteString.copyFrom(new byte[4096])),
            Status.Code.INVALID_ARGUMENT,
            "has contents while the request has raw_input_contents"),
        Arguments.of(
            "typed contents in the wrong field",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(
                    GrpcClient.tensor("input", "FP32", new long[] {1, 2})
                        .setContents(
                            InferTensorContents.newBuilder().addIntContents(1).addIntContents(2))),
            Status.Code.INVALID_ARGUMENT,
            "is FP32: its elements go in fp32_contents"),
        Arguments.of(
            "fewer typed elements than the shape",
            mlp(1, 1024)
                .setInputs(
                    0,
                    GrpcClient.tensor("input", "FP32", new long[] {1, 1024})
                        .setContents(floats(3))),
            Status.Code.INVALID_ARGUMENT,
            "fp32_contents holds 3 elements (expected: 1024)"),
        Arguments.of(
            "a negative dimension",
            mlp(1, -1024).addRawInputContents(ByteString.copyFrom(new byte[4096])),
            Status.Code.INVALID_ARGUMENT,
            "(expected: dimensions >= 0)"),
        Arguments.of(
            "a shape whose element count overflows",
            mlp(16, (1L << 60) + 2).addRawInputContents(ByteString.EMPTY),
            Status.Code.INVALID_ARGUMENT,
            "has more elements than can be counted"),
        Arguments.of(
            "more elements than limits.max_tensor_elements",
            mlp(200, 1024).addRawInputContents(ByteString.EMPTY),
            Status.Code.INVALID_ARGUMENT,
            "(limits.max_tensor_elements: 100000)"),
        Arguments.of(
            "a shape the model does not take",
            mlp(1, 512).addRawInputContents(ByteString.copyFrom(new byte[2048])),
            Status.Code.INVALID_ARGUMENT,
            "input 'input' has shape [1, 512]"),
        Arguments.of(
            "an unknown input",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(GrpcClient.tensor("pixels", "FP32", new long[] {1, 1024}))
                .addRawInputContents(ByteString.copyFrom(new byte[4096])),
            Status.Code.INVALID_ARGUMENT,
            "unknown input 'pixels' for model 'mlp'"),
        Arguments.of(
            "an output asked for twice",
            mlpRaw(4096)
                .addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output"))
                .addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")),
            Status.Code.INVALID_ARGUMENT,
            "output 'output' is requested twice"),
        Arguments.of(
            "an unknown output",
            mlpRaw(4096)
                .addOutputs(
                    ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logits")),
            Status.Code.INVALID_ARGUMENT,
            "unknown output 'logits' for model 'mlp'"),
        Arguments.of(
            "FP16 in typed contents",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(GrpcClient.tensor("input", "FP16", new long[] {1, 1})),
            Status.Code.INVALID_ARGUMENT,
            "is FP16: send it in raw_input_contents"),
        Arguments.of(
            "an INT8 value out of range",
            ModelInferRequest.newBuilder()
                .setModelName("mlp")
                .addInputs(
                    GrpcClient.tensor("input", "INT8", new long[] {1})
                        .setContents(InferTensorContents.newBuilder().addIntContents(300))),
            Status.Code.INVALID_ARGUMENT,
            "300 is out of range for INT8 (-128..127)"),
        Arguments.of(
            "BYTES raw contents whose lengths run past the data",
            ModelInferRequest.newBuilder()
                .setModelName("image-triage")
                .addInputs(GrpcClient.tensor("image", "BYTES", new long[] {1}))
                .addRawInputContents(ByteString.copyFrom(new byte[] {100, 0, 0, 0, 1, 2})),
            Status.Code.INVALID_ARGUMENT,
            "binary element 0 claims 100 bytes"),
        Arguments.of(
            "a BYTES element that is not an image",
            ModelInferRequest.newBuilder()
                .setModelName("image-triage")
                .addInputs(
                    GrpcClient.tensor("image", "BYTES", new long[] {1})
                        .setContents(
                            InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFromUtf8("not a jpeg")))),
            Status.Code.INVALID_ARGUMENT,
            "image"),
        Arguments.of(
            "typed_contents that is not a bool",
            mlpRaw(4096)
                .putParameters(
                    "typed_contents", InferParameter.newBuilder().setStringParam("yes").build()),
            Status.Code.INVALID_ARGUMENT,
            "parameter typed_contents: expected a bool_param"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void isRefusedWithACodeAndAMessageThatSayWhatWasWrong(
      String what, ModelInferRequest.Builder request, Status.Code code, String message) {
    GrpcClient.Answer answer = new GrpcClient.Answer();
    assertThatThrownBy(() ->
            client
                .stub(Map.of("x-request-id", "bad-" + code.value()), answer)
                .modelInfer(request.build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).as(what).isEqualTo(code);
              assertThat(e.getStatus().getDescription())
                  .as(what)
                  .contains(message)
                  .endsWith("(request id bad-" + code.value() + ")");
            });
    assertThat(answer.trailers().get(GrpcClient.REQUEST_ID)).isEqualTo("bad-" + code.value());
    assertThat(answer.trailers().get(GrpcClient.ERROR_TYPE)).isNotEmpty();
  }

  @Test
  void malformedProtobufIsInvalidArgumentNotInternal() {
    MethodDescriptor<byte[], byte[]> raw =
        rawModelInfer("inference.GRPCInferenceService/ModelInfer");
    // Field 1 (model_name) says 255 bytes follow, and none do.
    byte[] truncated = {0x0a, (byte) 0xff, 0x01};
    assertThatThrownBy(() -> call(raw, truncated))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains(
                      "not a valid protobuf message of inference.GRPCInferenceService/ModelInfer")
                  .contains("(request id ");
            });
    assertServesNormally();
  }

  @Test
  void aMessageOverTheLimitIsResourceExhaustedBeforeItIsRead() {
    ModelInferRequest big =
        mlp(1, 1024).addRawInputContents(ByteString.copyFrom(new byte[300 * 1024])).build();
    assertThatThrownBy(() -> client.stub().modelInfer(big))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("262144");
            });
    assertServesNormally();
  }

  @Test
  void anUnknownMethodIsUnimplemented() {
    assertThatThrownBy(() ->
            call(
                rawModelInfer("inference.GRPCInferenceService/CudaSharedMemoryStatus"),
                new byte[0]))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertServesNormally();
  }

  private static void assertServesNormally() {
    assertThat(client.stub().serverReady(ServerReadyRequest.getDefaultInstance()).getReady())
        .isTrue();
    assertThat(client.stub().modelInfer(mlpRaw(4096).build()).getRawOutputContents(0).size())
        .isEqualTo(40);
  }

  private static byte[] call(MethodDescriptor<byte[], byte[]> method, byte[] body) {
    return ClientCalls.blockingUnaryCall(
        client.channel(),
        method,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        body);
  }

  /** A method sending whatever bytes it is given, as a broken client would. */
  private static MethodDescriptor<byte[], byte[]> rawModelInfer(String fullName) {
    MethodDescriptor.Marshaller<byte[]> bytes =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            try {
              return stream.readAllBytes();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(bytes)
        .setResponseMarshaller(bytes)
        .build();
  }
}
