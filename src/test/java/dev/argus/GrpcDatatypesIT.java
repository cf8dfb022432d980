package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.argus.tensor.DataType;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.OnnxIdentity;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every datatype Argus takes over REST, over gRPC, through a real ONNX Runtime Identity model per
 * type: raw contents come back byte for byte, typed contents value for value (the extremes of each
 * range included), with the same refusals as REST where ONNX Runtime's Java API cannot take a type.
 */
class GrpcDatatypesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path repo;
  static TestServer server;
  static GrpcClient client;

  @BeforeAll
  static void start() {
    for (DataType type : DataType.values()) {
      OnnxIdentity.addTo(repo, OipDatatypesIT.name(type), type);
    }
    server = TestServer.start(repo, Map.of());
    client = new GrpcClient(server.grpcPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  private static ModelInferRequest.Builder request(DataType type) {
    return ModelInferRequest.newBuilder()
        .setModelName(OipDatatypesIT.name(type))
        .setId("dt-" + type)
        .addInputs(GrpcClient.tensor("x", type.name(), new long[] {2, 2}));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void rawContentsComeBackByteForByte(DataType type) throws Exception {
    if (OipDatatypesIT.runtimeCannotTake(type)) {
      ModelInferRequest r =
          request(type)
              .addRawInputContents(ByteString.copyFrom(new byte[4 * type.byteSize()]))
              .build();
      assertThatThrownBy(() -> client.stub().modelInfer(r))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription())
                    .contains("cannot create " + type.name() + " input tensors");
              });
      return;
    }
    ModelInferRequest r =
        request(type).addRawInputContents(ByteString.copyFrom(OipDatatypesIT.binary(type))).build();
    ModelInferResponse out = client.stub().modelInfer(r);
    assertThat(out.getId()).isEqualTo("dt-" + type);
    assertThat(out.getOutputs(0).getName()).isEqualTo("y");
    assertThat(out.getOutputs(0).getDatatype()).isEqualTo(type.name());
    assertThat(out.getOutputs(0).getShapeList()).containsExactly(2L, 2L);
    assertThat(out.getRawOutputContents(0).toByteArray()).isEqualTo(OipDatatypesIT.binary(type));
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64", "FP16", "BF16"},
      mode = EnumSource.Mode.EXCLUDE)
  void typedContentsComeBackValueForValue(DataType type) throws Exception {
    InferTensorContents contents = typed(type, JSON.readTree(OipDatatypesIT.VALUES.get(type)));
    ModelInferResponse out =
        client
            .stub()
            .modelInfer(
                request(type)
                    .setInputs(0, request(type).getInputs(0).toBuilder().setContents(contents))
                    .putParameters(
                        "typed_contents", InferParameter.newBuilder().setBoolParam(true).build())
                    .build());
    assertThat(out.getRawOutputContentsCount()).isZero();
    assertThat(out.getOutputs(0).getContents()).isEqualTo(contents);
  }

  /** The JSON values of a type in its typed field. */
  private static InferTensorContents typed(DataType type, JsonNode values) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (JsonNode v : values) {
      switch (type) {
        case BOOL -> c.addBoolContents(v.asBoolean());
        case INT8, INT16, INT32 -> c.addIntContents(v.asInt());
        case UINT8 -> c.addUintContents(v.asInt());
        case INT64 -> c.addInt64Contents(v.asLong());
        case FP32 -> c.addFp32Contents((float) v.asDouble());
        case FP64 -> c.addFp64Contents(v.asDouble());
        case BYTES -> c.addBytesContents(ByteString.copyFromUtf8(v.asText()));
        default -> throw new IllegalArgumentException(type.name());
      }
    }
    return c.build();
  }
}
