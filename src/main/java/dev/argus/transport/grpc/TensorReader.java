package dev.argus.transport.grpc;

import com.google.protobuf.ByteString;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import dev.argus.transport.grpc.proto.InferParameter;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code ModelInferRequest}'s tensors: each input's elements from {@code
 * raw_input_contents} (little-endian, BYTES length-prefixed, through {@link TensorCodec}) or from
 * its typed {@code contents}, into the primitive arrays the service takes. Every count is checked
 * against the declared shape, and every shape against {@code limits.max_tensor_elements}, before
 * any element array is allocated.
 */
final class TensorReader {
  /** The request parameter asking for typed {@code contents} instead of raw output bytes. */
  static final String TYPED_CONTENTS = "typed_contents";

  private static final int MAX_RANK = 16;

  private TensorReader() {}

  /** What a request asks for, besides its inputs. */
  record Outputs(List<String> names, boolean typed) {}

  /** The request's inputs, by name, in request order. */
  static Map<String, Tensor> inputs(ModelInferRequest request, long maxElements) {
    if (request.getInputsCount() == 0) {
      throw invalid("inputs: none (expected: at least one tensor)");
    }
    boolean raw = request.getRawInputContentsCount() > 0;
    if (raw && request.getRawInputContentsCount() != request.getInputsCount()) {
      throw invalid(
          "raw_input_contents has "
              + request.getRawInputContentsCount()
              + " entries for "
              + request.getInputsCount()
              + " inputs (expected: one per input, in the order of inputs)");
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    long total = 0;
    for (int i = 0; i < request.getInputsCount(); i++) {
      ModelInferRequest.InferInputTensor in = request.getInputs(i);
      if (in.getName().isEmpty()) {
        throw invalid("inputs[" + i + "]: every tensor needs a name");
      }
      String label = "input '" + in.getName() + "'";
      DataType type =
          DataType.fromName(in.getDatatype())
              .orElseThrow(() ->
                  invalid(
                      label
                          + ": datatype '"
                          + in.getDatatype()
                          + "' (expected: BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64"
                          + " or BYTES)"));
      long[] dims = dims(in.getShapeList(), label);
      int count = elementCount(dims, label);
      total += count;
      if (total > maxElements) {
        throw invalid(
            "the inputs declare "
                + total
                + " elements (limits.max_tensor_elements: "
                + maxElements
                + ")");
      }
      Object data;
      if (raw) {
        if (in.hasContents() && size(in.getContents()) > 0) {
          throw invalid(
              label
                  + " has contents while the request has raw_input_contents (expected: one or the"
                  + " other)");
        }
        data = raw(type, request.getRawInputContents(i), count, label);
      } else {
        data = TypedContents.read(type, in.getContents(), count, label);
      }
      Tensor tensor =
          data instanceof ByteBuffer bytes
              ? Tensor.ofBinary(type, Shape.of(dims), bytes)
              : Tensor.of(type, Shape.of(dims), data);
      if (inputs.put(in.getName(), tensor) != null) {
        throw invalid(label + " is given twice");
      }
    }
    return inputs;
  }

  /** The outputs asked for, in order (none: all), and whether as typed contents. */
  static Outputs outputs(ModelInferRequest request) {
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ModelInferRequest.InferRequestedOutputTensor o : request.getOutputsList()) {
      if (o.getName().isEmpty()) {
        throw invalid("outputs: every requested output needs a name");
      }
      if (!seen.add(o.getName())) {
        throw invalid("output '" + o.getName() + "' is requested twice");
      }
      names.add(o.getName());
    }
    InferParameter typed = request.getParametersMap().get(TYPED_CONTENTS);
    if (typed != null
        && typed.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
      throw invalid("parameter " + TYPED_CONTENTS + ": expected a bool_param");
    }
    return new Outputs(List.copyOf(names), typed != null && typed.getBoolParam());
  }

  private static long[] dims(List<Long> shape, String label) {
    if (shape.size() > MAX_RANK) {
      throw invalid(label + ": shape has " + shape.size() + " dimensions (expected: at most 16)");
    }
    long[] dims = new long[shape.size()];
    for (int d = 0; d < dims.length; d++) {
      dims[d] = shape.get(d);
      if (dims[d] < 0) {
        throw invalid(label + ": shape " + shape + " (expected: dimensions >= 0)");
      }
    }
    return dims;
  }

  private static int elementCount(long[] dims, String label) {
    long count = 1;
    try {
      for (long d : dims) {
        count = Math.multiplyExact(count, d);
      }
    } catch (ArithmeticException e) {
      throw invalid(
          label + ": shape " + Arrays.toString(dims) + " has more elements than can be counted");
    }
    if (count > Integer.MAX_VALUE) {
      throw invalid(label + ": shape " + Arrays.toString(dims) + " has too many elements");
    }
    return (int) count;
  }

  private static Object raw(DataType type, ByteString bytes, int count, String label) {
    ByteBuffer buf = bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    if (type == DataType.BYTES) {
      try {
        return TensorCodec.readLengthPrefixed(buf, count);
      } catch (IllegalArgumentException e) {
        throw new ArgusException.InvalidInput(label + " raw_input_contents: " + e.getMessage(), e);
      }
    }
    long expected = (long) count * type.byteSize();
    if (bytes.size() != expected) {
      throw invalid(
          label
              + ": raw_input_contents holds "
              + bytes.size()
              + " bytes (expected: "
              + expected
              + " = "
              + count
              + " elements of "
              + type.byteSize()
              + " bytes)");
    }
    return buf; // Tensor.ofBinary holds it as the message's own bytes
  }

  /** Elements over all of the typed fields: a tensor's contents use exactly one of them. */
  static int size(InferTensorContents c) {
    return c.getBoolContentsCount()
        + c.getIntContentsCount()
        + c.getInt64ContentsCount()
        + c.getUintContentsCount()
        + c.getUint64ContentsCount()
        + c.getFp32ContentsCount()
        + c.getFp64ContentsCount()
        + c.getBytesContentsCount();
  }

  static ArgusException.InvalidInput invalid(String message) {
    return new ArgusException.InvalidInput(message);
  }
}
