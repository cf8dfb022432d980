package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SampledMeanTest {
  @Test
  void aSmallRangeIsAveragedWhole() {
    assertThat(SampledMean.of(new float[] {1, 2, 3, 4, 100}, 0, 4)).isEqualTo(2.5);
    assertThat(SampledMean.of(new int[] {5, 7, 9}, 1, 3)).isEqualTo(8.0);
    assertThat(SampledMean.of(new long[] {4}, 0, 1)).isEqualTo(4.0);
    assertThat(SampledMean.of(new double[] {0.5, 1.5}, 0, 2)).isEqualTo(1.0);
  }

  @Test
  void aLargeRangeReadsAtMostMaxSamplesAndStaysCloseToTheTrueMean() {
    float[] image = new float[3 * 224 * 224];
    Random random = new Random(7);
    double truth = 0;
    for (int i = 0; i < image.length; i++) {
      // A gradient with noise, as a normalised photo channel might be.
      image[i] = (float) ((i % 224) / 224.0 + random.nextGaussian() * 0.3);
      truth += image[i];
    }
    truth /= image.length;

    assertThat(SampledMean.of(image, 0, image.length)).isCloseTo(truth, within(0.01));
    // A value the spread never reads does not move the mean.
    float[] counted = new float[100_000];
    counted[1] = 1e9f;
    assertThat(SampledMean.of(counted, 0, counted.length)).isZero();
  }

  @Test
  void aShiftOfTheInputShowsInTheSampledMean() {
    float[] before = new float[150_528];
    float[] after = new float[150_528];
    Random random = new Random(3);
    for (int i = 0; i < before.length; i++) {
      before[i] = (float) random.nextGaussian();
      after[i] = before[i] + 0.2f; // a brighter camera
    }

    assertThat(SampledMean.of(after, 0, after.length) - SampledMean.of(before, 0, before.length))
        .isCloseTo(0.2, within(1e-5));
  }

  @Test
  void typesWithoutAMeanAndEmptyRangesAreNaN() {
    assertThat(SampledMean.of(new byte[] {1, 2}, 0, 2)).isNaN();
    assertThat(SampledMean.of(new float[] {1}, 0, 0)).isNaN();
  }

  @org.junit.jupiter.api.Test
  void littleEndianBytesHaveTheMeanOfTheirArray() {
    float[] image = new float[150_528];
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) random.nextGaussian();
    }
    dev.argus.tensor.Tensor t =
        dev.argus.tensor.Tensor.ofFloats(dev.argus.tensor.Shape.of(image.length), image);
    java.nio.ByteBuffer le =
        java.nio.ByteBuffer.wrap(dev.argus.tensor.TensorCodec.toLittleEndian(t))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);

    assertThat(SampledMean.of(le, dev.argus.tensor.DataType.FP32, image.length))
        .isEqualTo(SampledMean.of(image, 0, image.length));
    long[] ids = {1, 2, 3, 10};
    java.nio.ByteBuffer longs =
        java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long id : ids) {
      longs.putLong(id);
    }
    assertThat(SampledMean.of(longs.flip(), dev.argus.tensor.DataType.INT64, 4)).isEqualTo(4.0);
    assertThat(SampledMean.of(le, dev.argus.tensor.DataType.INT8, 4)).isNaN();
    assertThat(SampledMean.of(le, dev.argus.tensor.DataType.FP32, 0)).isNaN();
  }
}
