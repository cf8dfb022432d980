package dev.argus.testing;

import com.google.protobuf.ByteString;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A grpc-java client of the generated stubs against a real Argus: metadata to send (request id,
 * admin token, traceparent), and the metadata the server answered with (headers and trailers).
 */
public final class GrpcClient implements AutoCloseable {
  public static final Metadata.Key<String> REQUEST_ID = key("x-request-id");
  public static final Metadata.Key<String> SERVER_TIMING = key("server-timing");
  public static final Metadata.Key<String> ERROR_TYPE = key("x-error-type");

  private final ManagedChannel channel;

  public GrpcClient(int port) {
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .maxInboundMessageSize(64 * 1024 * 1024)
            .build();
  }

  public static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A blocking stub with a 60 s deadline. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A blocking stub sending {@code headers} and capturing what the server answers. */
  public GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub(
      Map<String, String> headers, Answer answer) {
    Metadata sent = new Metadata();
    headers.forEach((k, v) -> sent.put(key(k), v));
    ClientInterceptor capture =
        MetadataUtils.newCaptureMetadataInterceptor(answer.headers, answer.trailers);
    return stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent), capture);
  }

  /** The headers and trailers of one answer. */
  public static final class Answer {
    final java.util.concurrent.atomic.AtomicReference<Metadata> headers =
        new java.util.concurrent.atomic.AtomicReference<>();
    final java.util.concurrent.atomic.AtomicReference<Metadata> trailers =
        new java.util.concurrent.atomic.AtomicReference<>();

    public Metadata headers() {
      return headers.get() == null ? new Metadata() : headers.get();
    }

    public Metadata trailers() {
      return trailers.get() == null ? new Metadata() : trailers.get();
    }
  }

  /** A request for {@code model} with one FP32 input in raw contents. */
  public static ModelInferRequest rawFloats(String model, String input, long[] shape, float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(tensor(input, "FP32", shape))
        .addRawInputContents(ByteString.copyFrom(buf.array()))
        .build();
  }

  /** A request for {@code model} with one FP32 input in typed contents, asking typed outputs. */
  public static ModelInferRequest typedFloats(String model, String input, long[] shape, float[] v) {
    InferTensorContents.Builder c = InferTensorContents.newBuilder();
    for (float f : v) {
      c.addFp32Contents(f);
    }
    return ModelInferRequest.newBuilder()
        .setModelName(model)
        .addInputs(tensor(input, "FP32", shape).setContents(c))
        .putParameters("typed_contents", InferParameter.newBuilder().setBoolParam(true).build())
        .build();
  }

  public static ModelInferRequest.InferInputTensor.Builder tensor(
      String name, String datatype, long[] shape) {
    ModelInferRequest.InferInputTensor.Builder t =
        ModelInferRequest.InferInputTensor.newBuilder().setName(name).setDatatype(datatype);
    for (long d : shape) {
      t.addShape(d);
    }
    return t;
  }

  /** Little-endian floats of a raw output. */
  public static float[] floats(ByteString raw) {
    float[] out = new float[raw.size() / 4];
    raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
