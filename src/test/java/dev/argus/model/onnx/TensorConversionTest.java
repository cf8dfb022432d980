package dev.argus.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.argus.model.ModelExecutionException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type Argus hands to ONNX Runtime comes back unchanged through a real native tensor. */
class TensorConversionTest {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  static Stream<Arguments> tensors() {
    Shape shape = Shape.of(2, 2);
    return Stream.of(
            Arguments.of(DataType.FP32, new float[] {1.5f, -2f, 0f, Float.MAX_VALUE}),
            Arguments.of(DataType.FP64, new double[] {1.5, -2, 0, Double.MIN_VALUE}),
            Arguments.of(DataType.INT64, new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE}),
            Arguments.of(DataType.INT32, new int[] {1, -2, Integer.MAX_VALUE, 0}),
            Arguments.of(DataType.INT16, new short[] {1, -2, Short.MAX_VALUE, 0}),
            Arguments.of(DataType.INT8, new byte[] {1, -2, 127, -128}),
            Arguments.of(DataType.UINT8, new byte[] {1, (byte) 200, (byte) 255, 0}),
            Arguments.of(DataType.FP16, new short[] {0x3c00, (short) 0xc000, 0, 0x7bff}),
            Arguments.of(DataType.BF16, new short[] {0x3f80, (short) 0xc000, 0, 0x7f7f}),
            Arguments.of(DataType.BOOL, new boolean[] {true, false, false, true}),
            Arguments.of(
                DataType.BYTES,
                new byte[][] {
                  "a".getBytes(StandardCharsets.UTF_8),
                  "".getBytes(StandardCharsets.UTF_8),
                  "héllo".getBytes(StandardCharsets.UTF_8),
                  "z".getBytes(StandardCharsets.UTF_8)
                }))
        .map(a -> Arguments.of(Tensor.of((DataType) a.get()[0], shape, a.get()[1])));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tensors")
  void roundTripsThroughANativeTensor(Tensor tensor) throws Exception {
    try (OnnxTensor onnx = OnnxModel.toOnnx(ENV, tensor)) {
      Tensor back = OnnxModel.fromOnnx(onnx);

      assertThat(back.type()).isEqualTo(tensor.type());
      assertThat(back.shape()).isEqualTo(tensor.shape());
      assertThat(back.data()).isEqualTo(tensor.data());
    }
  }

  /**
   * A batch's rows go into one native tensor part after part: the numeric types straight into the
   * input memory, the others joined on the heap first; either way the same as one joined array.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("tensors")
  void rowsOfSeveralRequestsJoinIntoOneNativeTensor(Tensor rows) throws Exception {
    Tensor first = rowSlice(rows, 0);
    Tensor second = rowSlice(rows, 1);
    ByteBuffer memory = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());

    try (OnnxTensor onnx = OnnxModel.toOnnx(ENV, List.of(first, second), 2, memory)) {
      Tensor back = OnnxModel.fromOnnx(onnx);

      assertThat(back.shape()).isEqualTo(rows.shape());
      assertThat(back.data()).isEqualTo(rows.data());
      assertThat(Tensor.joinRows(List.of(first, second), 2).data()).isEqualTo(rows.data());
    }
  }

  /** The fixed-size tensors above as a binary request holds them: little-endian bytes. */
  static Stream<Arguments> heldAsBytes() {
    return tensors()
        .map(a -> (Tensor) a.get()[0])
        .filter(t -> t.type() != DataType.BOOL && t.type() != DataType.BYTES)
        .map(t ->
            Arguments.of(
                Tensor.ofLittleEndian(
                    t.type(), t.shape(), ByteBuffer.wrap(TensorCodec.toLittleEndian(t))),
                t));
  }

  /**
   * A tensor held as its request's bytes goes into the native tensor as those bytes (alone, or as
   * one part of a batch beside a tensor held as an array), and what comes back is held as ONNX
   * Runtime's bytes, which the protocol writer sends as they are.
   */
  @ParameterizedTest(name = "{1}")
  @MethodSource("heldAsBytes")
  void aTensorHeldAsBytesGoesInAndComesOutAsBytes(Tensor held, Tensor expected) throws Exception {
    ByteBuffer memory = ByteBuffer.allocateDirect(64).order(ByteOrder.nativeOrder());
    List<Tensor> parts =
        List.of(
            Tensor.ofLittleEndian(
                held.type(),
                Shape.of(1, 2),
                held.littleEndian().slice(0, 2 * held.type().byteSize())),
            rowSlice(expected, 1));

    try (OnnxTensor one = OnnxModel.toOnnx(ENV, held, memory.duplicate());
        OnnxTensor batch = OnnxModel.toOnnx(ENV, parts, 2, memory.slice(32, 32))) {
      Tensor back = OnnxModel.fromOnnx(one);
      Tensor joined = OnnxModel.fromOnnx(batch);

      assertThat(held.data()).isEqualTo(expected.data());
      assertThat(back.data()).isEqualTo(expected.data());
      assertThat(joined.data()).isEqualTo(expected.data());
      assertThat(back.littleEndian()).as("the output is kept as ONNX Runtime's bytes").isNotNull();
      byte[] wire = TensorCodec.toLittleEndian(back);
      assertThat(TensorCodec.toLittleEndian(back)).as("and written as they are").isSameAs(wire);
      assertThat(wire).isEqualTo(TensorCodec.toLittleEndian(expected));
    }
  }

  @org.junit.jupiter.api.Test
  void bytesThatDoNotMatchTheShapeOrATypeHeldAsAnArrayAreRefused() {
    assertThatThrownBy(
            () -> Tensor.ofLittleEndian(DataType.FP32, Shape.of(2, 2), ByteBuffer.allocate(15)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("15");
    assertThatThrownBy(
            () -> Tensor.ofLittleEndian(DataType.BOOL, Shape.of(1), ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Tensor.of(DataType.FP32, Shape.of(1), new float[1]).littleEndian()).isNull();
    Tensor bools =
        Tensor.ofBinary(DataType.BOOL, Shape.of(3), ByteBuffer.wrap(new byte[] {0, 1, 7}));
    assertThat(bools.littleEndian()).as("BOOL is read into an array").isNull();
    assertThat((boolean[]) bools.data()).containsExactly(false, true, true);
    assertThat(Tensor.ofBinary(DataType.INT32, Shape.of(1), ByteBuffer.allocate(4)).littleEndian())
        .isNotNull();
  }

  private static Tensor rowSlice(Tensor t, int row) {
    Object data = Array.newInstance(t.data().getClass().getComponentType(), 2);
    System.arraycopy(t.data(), 2 * row, data, 0, 2);
    return Tensor.of(t.type(), Shape.of(1, 2), data);
  }

  @ParameterizedTest
  @MethodSource("unsignedWide")
  void unsignedWideTypesAreRefusedClearly(DataType type, Object data) {
    assertThatThrownBy(() -> OnnxModel.toOnnx(ENV, Tensor.of(type, Shape.of(1), data)))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining(type.name());
  }

  static Stream<Arguments> unsignedWide() {
    return Stream.of(
        Arguments.of(DataType.UINT16, new short[1]),
        Arguments.of(DataType.UINT32, new int[1]),
        Arguments.of(DataType.UINT64, new long[1]));
  }
}
