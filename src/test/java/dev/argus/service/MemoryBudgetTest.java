package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Decoded images share the budget: what does not fit beside those in flight is shed. */
class MemoryBudgetTest {
  @Test
  void anImageThatDoesNotFitIsRefusedAndClosingGivesItsShareBackOnce() {
    MemoryBudget budget = new MemoryBudget(1000);
    MemoryBudget.Reservation a = budget.reserve(600, "a");

    assertThatThrownBy(() -> budget.reserve(500, "a 10x10 image"))
        .isInstanceOf(ArgusException.QueueFull.class)
        .hasMessageContaining("a 10x10 image")
        .hasMessageContaining("limits.max_decoded_bytes")
        .satisfies(e ->
            assertThat(((ArgusException.QueueFull) e).limit())
                .isEqualTo(ArgusException.QueueFull.Limit.MEMORY));

    a.close();
    a.close();
    assertThat(budget.used()).isZero();
    budget.reserve(1000, "b").close();
  }

  @Test
  void theCostIsTheRasterAtFourBytesAPixelAndTheFloatTensor() {
    assertThat(MemoryBudget.costOf(6000, 6000, 3 * 224 * 224))
        .isEqualTo(6000L * 6000 * 4 + 3L * 224 * 224 * 4);
  }
}
