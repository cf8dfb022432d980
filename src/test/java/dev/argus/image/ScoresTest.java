package dev.argus.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoresTest {
  @Test
  void softmaxSumsToOneAndKeepsOrder() {
    float[] p = Scores.softmax(new float[] {9, 1, 2, 3, 9}, 1, 3);

    assertThat(p[0] + p[1] + p[2]).isCloseTo(1f, within(1e-6f));
    assertThat(p[2]).isGreaterThan(p[1]).isGreaterThan(p[0]);
  }

  @Test
  void softmaxIsStableForLargeLogits() {
    float[] p = Scores.softmax(new float[] {1000, 1000}, 0, 2);

    assertThat(p).containsExactly(0.5f, 0.5f);
  }

  @Test
  void topKIsLargestFirstAndClampedToLength() {
    assertThat(Scores.topK(new float[] {0.1f, 0.7f, 0.2f}, 2)).containsExactly(1, 2);
    assertThat(Scores.topK(new float[] {0.1f, 0.7f}, 10)).containsExactly(1, 0);
  }
}
