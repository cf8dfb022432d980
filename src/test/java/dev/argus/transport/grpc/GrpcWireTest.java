package dev.argus.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.argus.transport.grpc.proto.DataType;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelConfig;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelInstanceGroup;
import dev.argus.transport.grpc.proto.ModelMetadataResponse;
import dev.argus.transport.grpc.proto.ModelStatistics;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import dev.argus.transport.grpc.proto.RepositoryIndexResponse;
import dev.argus.transport.grpc.proto.RepositoryModelLoadRequest;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wire compatibility with the protocol's own definition (KServe's open_inference_grpc.proto,
 * Triton's grpc_service.proto and model_config.proto): messages built here byte by byte from the
 * reference field numbers must decode into Argus's classes, and Argus's messages must carry their
 * values under those numbers. A renumbered field would break every existing client silently.
 */
class GrpcWireTest {
  /** Writes a message field by field, as another implementation of the protocol would. */
  @FunctionalInterface
  interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  static byte[] message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  static ByteString bytes(Fields fields) throws IOException {
    return ByteString.copyFrom(message(fields));
  }

  /** Every field of {@code message}: number -> the values seen (varints as Long, else bytes). */
  static Map<Integer, List<Object>> fields(byte[] message) throws IOException {
    Map<Integer, List<Object>> out = new HashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      int number = WireFormat.getTagFieldNumber(tag);
      Object value =
          switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT -> in.readInt64();
            case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.readBytes();
            case WireFormat.WIRETYPE_FIXED32 -> in.readFixed32();
            case WireFormat.WIRETYPE_FIXED64 -> in.readFixed64();
            default -> throw new IllegalStateException("wire type of field " + number);
          };
      out.computeIfAbsent(number, n -> new java.util.ArrayList<>()).add(value);
    }
    return out;
  }

  @Test
  void aModelInferRequestFromTheReferenceNumbersDecodes() throws Exception {
    ByteString boolTrue = bytes(o -> o.writeBool(1, true));
    ByteString contents =
        bytes(o -> {
          o.writeBool(1, true); // bool_contents
          o.writeInt32(2, -7); // int_contents
          o.writeInt64(3, 1L << 40); // int64_contents
          o.writeUInt32(4, 200); // uint_contents
          o.writeUInt64(5, -1L); // uint64_contents (2^64 - 1)
          o.writeFloat(6, 1.5f); // fp32_contents
          o.writeDouble(7, 2.5); // fp64_contents
          o.writeBytes(8, ByteString.copyFromUtf8("abc")); // bytes_contents
        });
    ByteString input =
        bytes(o -> {
          o.writeString(1, "input"); // name
          o.writeString(2, "FP32"); // datatype
          o.writeInt64(3, 1); // shape
          o.writeInt64(3, 1024);
          o.writeBytes(
              4,
              bytes(e -> { // parameters map entry
                e.writeString(1, "binary_data");
                e.writeBytes(2, boolTrue);
              }));
          o.writeBytes(5, contents); // contents
        });
    byte[] request =
        message(o -> {
          o.writeString(1, "mlp"); // model_name
          o.writeString(2, "1"); // model_version
          o.writeString(3, "42"); // id
          o.writeBytes(
              4,
              bytes(e -> {
                e.writeString(1, "typed_contents");
                e.writeBytes(2, boolTrue);
              }));
          o.writeBytes(5, input); // inputs
          o.writeBytes(6, bytes(r -> r.writeString(1, "output"))); // outputs
          o.writeBytes(7, ByteString.copyFrom(new byte[] {1, 2, 3, 4})); // raw_input_contents
        });

    ModelInferRequest r = ModelInferRequest.parseFrom(request);

    assertThat(r.getModelName()).isEqualTo("mlp");
    assertThat(r.getModelVersion()).isEqualTo("1");
    assertThat(r.getId()).isEqualTo("42");
    assertThat(r.getParametersMap().get("typed_contents").getBoolParam()).isTrue();
    ModelInferRequest.InferInputTensor in = r.getInputs(0);
    assertThat(in.getName()).isEqualTo("input");
    assertThat(in.getDatatype()).isEqualTo("FP32");
    assertThat(in.getShapeList()).containsExactly(1L, 1024L);
    assertThat(in.getParametersMap().get("binary_data").getBoolParam()).isTrue();
    InferTensorContents c = in.getContents();
    assertThat(c.getBoolContents(0)).isTrue();
    assertThat(c.getIntContents(0)).isEqualTo(-7);
    assertThat(c.getInt64Contents(0)).isEqualTo(1L << 40);
    assertThat(c.getUintContents(0)).isEqualTo(200);
    assertThat(Long.toUnsignedString(c.getUint64Contents(0))).isEqualTo("18446744073709551615");
    assertThat(c.getFp32Contents(0)).isEqualTo(1.5f);
    assertThat(c.getFp64Contents(0)).isEqualTo(2.5);
    assertThat(c.getBytesContents(0).toStringUtf8()).isEqualTo("abc");
    assertThat(r.getOutputs(0).getName()).isEqualTo("output");
    assertThat(r.getRawInputContents(0).toByteArray()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void everyChoiceOfInferParameterHasTritonsNumber() throws Exception {
    assertThat(InferParameter.parseFrom(message(o -> o.writeInt64(2, -5))).getInt64Param())
        .isEqualTo(-5);
    assertThat(InferParameter.parseFrom(message(o -> o.writeString(3, "s"))).getStringParam())
        .isEqualTo("s");
    assertThat(InferParameter.parseFrom(message(o -> o.writeDouble(4, 0.25))).getDoubleParam())
        .isEqualTo(0.25);
    assertThat(InferParameter.parseFrom(message(o -> o.writeUInt64(5, 9))).getUint64Param())
        .isEqualTo(9);
  }

  @Test
  void aModelInferResponseCarriesItsValuesUnderTheReferenceNumbers() throws Exception {
    ModelInferResponse r =
        ModelInferResponse.newBuilder()
            .setModelName("mlp")
            .setModelVersion("1")
            .setId("42")
            .putParameters("p", InferParameter.newBuilder().setBoolParam(true).build())
            .addOutputs(
                ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName("output")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(10))
            .addRawOutputContents(ByteString.copyFrom(new byte[] {9, 8}))
            .build();

    Map<Integer, List<Object>> f = fields(r.toByteArray());

    assertThat(f.get(1)).containsExactly(ByteString.copyFromUtf8("mlp"));
    assertThat(f.get(2)).containsExactly(ByteString.copyFromUtf8("1"));
    assertThat(f.get(3)).containsExactly(ByteString.copyFromUtf8("42"));
    assertThat(f).containsKey(4);
    assertThat(f.get(6)).containsExactly(ByteString.copyFrom(new byte[] {9, 8}));
    Map<Integer, List<Object>> output = fields(((ByteString) f.get(5).get(0)).toByteArray());
    assertThat(output.get(1)).containsExactly(ByteString.copyFromUtf8("output"));
    assertThat(output.get(2)).containsExactly(ByteString.copyFromUtf8("FP32"));
    // repeated int64 shape = 3, packed: [1, 10].
    assertThat(output.get(3)).containsExactly(ByteString.copyFrom(new byte[] {1, 10}));

    ModelStreamInferResponse streamed =
        ModelStreamInferResponse.newBuilder().setErrorMessage("bad").setInferResponse(r).build();
    Map<Integer, List<Object>> s = fields(streamed.toByteArray());
    assertThat(s.get(1)).containsExactly(ByteString.copyFromUtf8("bad"));
    assertThat(s.get(2)).containsExactly(r.toByteString());
  }

  @Test
  void statisticsRepositoryAndMetadataMessagesHaveTheReferenceNumbers() throws Exception {
    ModelStatistics stats =
        ModelStatistics.parseFrom(
            message(o -> {
              o.writeString(1, "mlp");
              o.writeString(2, "1");
              o.writeUInt64(3, 1700000000000L); // last_inference
              o.writeUInt64(4, 32); // inference_count
              o.writeUInt64(5, 6); // execution_count
              o.writeBytes(
                  6,
                  bytes(i -> { // inference_stats
                    i.writeBytes(
                        3,
                        bytes(d -> { // queue
                          d.writeUInt64(1, 32);
                          d.writeUInt64(2, 81234567);
                        }));
                    i.writeBytes(5, bytes(d -> d.writeUInt64(1, 6))); // compute_infer
                  }));
              o.writeBytes(7, bytes(b -> b.writeUInt64(1, 4))); // batch_stats.batch_size
            }));
    assertThat(stats.getLastInference()).isEqualTo(1700000000000L);
    assertThat(stats.getInferenceCount()).isEqualTo(32);
    assertThat(stats.getExecutionCount()).isEqualTo(6);
    assertThat(stats.getInferenceStats().getQueue().getNs()).isEqualTo(81234567);
    assertThat(stats.getInferenceStats().getComputeInfer().getCount()).isEqualTo(6);
    assertThat(stats.getBatchStats(0).getBatchSize()).isEqualTo(4);

    RepositoryIndexResponse.ModelIndex index =
        RepositoryIndexResponse.parseFrom(
                message(o ->
                    o.writeBytes(
                        1,
                        bytes(m -> {
                          m.writeString(1, "mlp");
                          m.writeString(2, "1");
                          m.writeString(3, "UNAVAILABLE");
                          m.writeString(4, "unloaded");
                        }))))
            .getModels(0);
    assertThat(index.getName()).isEqualTo("mlp");
    assertThat(index.getVersion()).isEqualTo("1");
    assertThat(index.getState()).isEqualTo("UNAVAILABLE");
    assertThat(index.getReason()).isEqualTo("unloaded");

    RepositoryModelLoadRequest load =
        RepositoryModelLoadRequest.parseFrom(
            message(o -> {
              o.writeString(1, "repo");
              o.writeString(2, "mlp");
              o.writeBytes(
                  3,
                  bytes(e -> {
                    e.writeString(1, "file:1/model.onnx");
                    e.writeBytes(2, bytes(v -> v.writeBytes(4, ByteString.copyFromUtf8("onnx"))));
                  }));
            }));
    assertThat(load.getRepositoryName()).isEqualTo("repo");
    assertThat(load.getModelName()).isEqualTo("mlp");
    assertThat(load.getParametersMap().get("file:1/model.onnx").getBytesParam().toStringUtf8())
        .isEqualTo("onnx");

    ModelMetadataResponse meta =
        ModelMetadataResponse.parseFrom(
            message(o -> {
              o.writeString(1, "mlp");
              o.writeString(2, "1");
              o.writeString(3, "onnxruntime_onnx");
              o.writeBytes(
                  4,
                  bytes(t -> {
                    t.writeString(1, "input");
                    t.writeString(2, "FP32");
                    t.writeInt64(3, -1);
                  }));
              o.writeBytes(5, bytes(t -> t.writeString(1, "output")));
            }));
    assertThat(meta.getVersionsList()).containsExactly("1");
    assertThat(meta.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(meta.getInputs(0).getShapeList()).containsExactly(-1L);
    assertThat(meta.getOutputs(0).getName()).isEqualTo("output");
  }

  @Test
  void modelConfigHasTritonsModelConfigNumbers() throws Exception {
    ModelConfig config =
        ModelConfig.parseFrom(
            message(o -> {
              o.writeString(1, "triage");
              o.writeString(2, "onnxruntime_onnx");
              o.writeInt32(4, 8); // max_batch_size
              o.writeBytes(
                  5,
                  bytes(i -> {
                    i.writeString(1, "input");
                    i.writeEnum(2, 11); // TYPE_FP32
                    i.writeInt64(4, 3);
                  }));
              o.writeBytes(
                  6,
                  bytes(i -> {
                    i.writeString(1, "label");
                    i.writeEnum(2, 13); // TYPE_STRING
                    i.writeInt64(3, 1);
                  }));
              o.writeBytes(
                  7,
                  bytes(g -> {
                    g.writeString(1, "triage");
                    g.writeInt32(2, 2); // count
                    g.writeEnum(4, 2); // KIND_CPU
                  }));
              o.writeBytes(11, bytes(d -> d.writeUInt64(2, 2000))); // dynamic_batching
              o.writeString(17, "onnxruntime"); // backend
            }));
    assertThat(config.getMaxBatchSize()).isEqualTo(8);
    assertThat(config.getInput(0).getDataType()).isEqualTo(DataType.TYPE_FP32);
    assertThat(config.getInput(0).getDimsList()).containsExactly(3L);
    assertThat(config.getOutput(0).getDataType()).isEqualTo(DataType.TYPE_STRING);
    assertThat(config.getOutput(0).getDimsList()).containsExactly(1L);
    assertThat(config.getInstanceGroup(0).getKind()).isEqualTo(ModelInstanceGroup.Kind.KIND_CPU);
    assertThat(config.getInstanceGroup(0).getCount()).isEqualTo(2);
    assertThat(config.getDynamicBatching().getMaxQueueDelayMicroseconds()).isEqualTo(2000);
    assertThat(config.getBackend()).isEqualTo("onnxruntime");
    assertThat(DataType.TYPE_BF16.getNumber()).isEqualTo(14);
  }

  @Test
  void theServiceAndItsMethodsHaveTheProtocolsNames() {
    assertThat(GRPCInferenceServiceGrpc.SERVICE_NAME).isEqualTo("inference.GRPCInferenceService");
    assertThat(GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName())
        .isEqualTo("inference.GRPCInferenceService/ModelInfer");
    assertThat(GRPCInferenceServiceGrpc.getModelStreamInferMethod().getType())
        .isEqualTo(MethodDescriptor.MethodType.BIDI_STREAMING);
    assertThat(GRPCInferenceServiceGrpc.getServiceDescriptor().getMethods())
        .extracting(MethodDescriptor::getBareMethodName)
        .containsExactlyInAnyOrder(
            "ServerLive",
            "ServerReady",
            "ModelReady",
            "ServerMetadata",
            "ModelMetadata",
            "ModelInfer",
            "ModelStreamInfer",
            "ModelConfig",
            "ModelStatistics",
            "RepositoryIndex",
            "RepositoryModelLoad",
            "RepositoryModelUnload");
  }
}
