package dev.argus.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FloatArrayPoolTest {
  @Test
  void anArrayGivenBackIsTheNextOneTakenOfItsLength() {
    FloatArrayPool pool = new FloatArrayPool(4);
    float[] first = pool.take(12);
    assertThat(first).hasSize(12);
    pool.give(first);
    assertThat(pool.kept(12)).isEqualTo(1);
    assertThat(pool.take(7)).hasSize(7).isNotSameAs(first); // another length: a new array
    assertThat(pool.take(12)).isSameAs(first);
    assertThat(pool.kept(12)).isZero();
    assertThat(pool.take(12)).isNotSameAs(first); // the pool is empty again: a new one
  }

  @Test
  void theMostRecentlyReturnedComesFirst() {
    FloatArrayPool pool = new FloatArrayPool(4);
    float[] a = new float[3];
    float[] b = new float[3];
    pool.give(a);
    pool.give(b);
    assertThat(pool.take(3)).isSameAs(b);
    assertThat(pool.take(3)).isSameAs(a);
  }

  @Test
  void itKeepsAtMostItsBoundOfEachLength() {
    FloatArrayPool pool = new FloatArrayPool(2);
    for (int i = 0; i < 5; i++) {
      pool.give(new float[8]);
    }
    pool.give(new float[9]);
    assertThat(pool.kept(8)).isEqualTo(2);
    assertThat(pool.kept(9)).isEqualTo(1);
    assertThat(pool.kept(10)).isZero();
  }

  @Test
  void concurrentTakersNeverShareAnArray() throws Exception {
    FloatArrayPool pool = new FloatArrayPool(8);
    int threads = 4;
    int rounds = 20_000;
    java.util.Set<float[]> held =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.concurrent.atomic.AtomicInteger clashes =
        new java.util.concurrent.atomic.AtomicInteger();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] =
          Thread.ofPlatform()
              .start(() -> {
                for (int i = 0; i < rounds; i++) {
                  float[] a = pool.take(16);
                  synchronized (held) {
                    if (!held.add(a)) {
                      clashes.incrementAndGet();
                    }
                  }
                  synchronized (held) {
                    held.remove(a);
                  }
                  pool.give(a);
                }
              });
    }
    for (Thread w : workers) {
      w.join();
    }
    assertThat(clashes.get()).isZero();
    assertThat(pool.kept(16)).isBetween(1, 8);
  }
}
