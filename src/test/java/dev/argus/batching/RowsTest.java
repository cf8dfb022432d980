package dev.argus.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RowsTest {
  private static final float[] THREE_ROWS = {1, 2, 3, 4, 5, 6};

  @Test
  void aSliceOfATensorHeldAsBytesIsAViewOfTheSameBytes() {
    Tensor array = Tensor.ofFloats(Shape.of(3, 2), THREE_ROWS);
    byte[] body = TensorCodec.toLittleEndian(array);
    Tensor held = Tensor.ofLittleEndian(DataType.FP32, Shape.of(3, 2), ByteBuffer.wrap(body));

    Tensor rows = Rows.slice(held, 1, 2, 3);

    assertThat(rows.shape()).isEqualTo(Shape.of(2, 2));
    assertThat(rows.littleEndian()).as("still held as bytes").isNotNull();
    assertThat(rows.floats()).containsExactly(3, 4, 5, 6);
    assertThat(Rows.slice(array, 1, 2, 3).floats()).containsExactly(3, 4, 5, 6);
  }
}
