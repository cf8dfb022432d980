package dev.argus.transport.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dev.argus.service.InferResult;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import java.util.Map;

/**
 * Writes a {@code ModelInferResponse}: each output's elements in {@code raw_output_contents}
 * (little-endian, as Triton answers and tritonclient reads), or all of them in typed {@code
 * contents} when the request asked so (the protocol allows no mix of the two in one response).
 */
final class TensorWriter {
  /** The response parameter of a streamed answer that carries its phase timings. */
  static final String SERVER_TIMING = "server_timing";

  private TensorWriter() {}

  /**
   * @param id the request's {@code id}, echoed
   * @param serverTiming the phase timings to put in the response's parameters, or null
   */
  static ModelInferResponse response(
      InferResult result, String id, boolean typed, String serverTiming) {
    ModelInferResponse.Builder b =
        ModelInferResponse.newBuilder()
            .setModelName(result.model())
            .setModelVersion(result.version())
            .setId(id);
    for (Map.Entry<String, Tensor> e : result.outputs().entrySet()) {
      Tensor t = e.getValue();
      ModelInferResponse.InferOutputTensor.Builder o =
          ModelInferResponse.InferOutputTensor.newBuilder()
              .setName(e.getKey())
              .setDatatype(t.type().name());
      for (long d : t.shape().dims()) {
        o.addShape(d);
      }
      if (typed) {
        o.setContents(TypedContents.write(t, e.getKey()));
      } else {
        // The array is fresh and never written again: wrapping it saves a copy of every output.
        b.addRawOutputContents(UnsafeByteOperations.unsafeWrap(TensorCodec.toLittleEndian(t)));
      }
      b.addOutputs(o);
    }
    if (serverTiming != null) {
      b.putParameters(
          SERVER_TIMING, InferParameter.newBuilder().setStringParam(serverTiming).build());
    }
    return b.build();
  }
}
