package dev.argus.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeAndTensorTest {
  @Test
  void dynamicShapeAcceptsConcreteShapesOfTheSameRank() {
    Shape model = Shape.of(-1, 3, 224, 224);

    assertThat(model.accepts(Shape.of(8, 3, 224, 224))).isTrue();
    assertThat(model.accepts(Shape.of(8, 3, 224, 225))).isFalse();
    assertThat(model.accepts(Shape.of(3, 224, 224))).isFalse();
    assertThat(model.isConcrete()).isFalse();
  }

  @Test
  void elementCountOverflowIsDetected() {
    assertThatThrownBy(() -> Shape.of(16, 1L << 60).elementCount())
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void negativeDimensionsAreRefused() {
    assertThatThrownBy(() -> Shape.of(1, -2)).hasMessageContaining("dims[1]: -2");
  }

  @Test
  void shapesWithEqualDimsAreEqual() {
    assertThat(Shape.of(1, 2)).isEqualTo(Shape.of(1, 2)).hasSameHashCodeAs(Shape.of(1, 2));
    assertThat(Shape.of(1, 2).withFirstDim(4)).isEqualTo(Shape.of(4, 2));
    assertThat(Shape.of(1, 2)).hasToString("[1, 2]");
  }

  @Test
  void tensorChecksLengthAndArrayType() {
    assertThatThrownBy(() -> Tensor.ofFloats(Shape.of(2, 2), new float[3]))
        .hasMessageContaining("data length: 3 (expected: 4");
    assertThatThrownBy(() -> Tensor.of(DataType.INT64, Shape.of(1), new int[1]))
        .hasMessageContaining("expected: long[] for INT64");
    assertThatThrownBy(() -> Tensor.ofFloats(Shape.of(-1), new float[0]))
        .hasMessageContaining("no dynamic dimension");
    assertThat(Tensor.of(DataType.BYTES, Shape.of(1), new byte[][] {{1}}).type())
        .isEqualTo(DataType.BYTES);
  }

  @Test
  void floatsOnlyForFp32() {
    Tensor longs = Tensor.of(DataType.INT64, Shape.of(1), new long[1]);

    assertThatThrownBy(longs::floats).hasMessageContaining("INT64");
  }

  @Test
  void dataTypesAreFoundByProtocolName() {
    assertThat(DataType.fromName("FP32")).contains(DataType.FP32);
    assertThat(DataType.fromName("fp32")).as("the protocol's names are upper-case").isEmpty();
    assertThat(DataType.fromName("FP128")).isEmpty();
    assertThat(DataType.UINT64.byteSize()).isEqualTo(8);
  }
}
