package dev.argus.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.argus.model.Model;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelMetadata;
import dev.argus.observe.InferenceObserver;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batch formation, rejection, deadlines and failure isolation, with a fake clock and model. */
class DynamicBatcherTest {
  private static final long FAR = Long.MAX_VALUE / 2;

  private final FakeTicker ticker = new FakeTicker();
  private final FakeModel model = new FakeModel();
  private final RecordingObserver observer = new RecordingObserver();
  private DynamicBatcher batcher;

  @AfterEach
  void close() {
    model.release();
    if (batcher != null) {
      batcher.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void batchFormsAsSoonAsMaxBatchSizeRequestsWait() throws Exception {
    batcher = start(4, Duration.ofHours(1), 16);
    Expectation fifth = batcher.expect(); // more is on its way: only a full batch runs early

    List<CompletableFuture<BatchResult>> results = submitAnnounced(4, 0);

    for (int i = 0; i < 4; i++) {
      BatchResult r = results.get(i).get(5, TimeUnit.SECONDS);
      assertThat(r.batchSize()).isEqualTo(4);
      assertThat(r.outputs().get("out").floats()).containsExactly(2f * i, 2f * i + 1000);
    }
    assertThat(model.batchRows()).containsExactly(4);
    fifth.close();
  }

  @Test
  void batchFormsAtMaxQueueDelayWithFewerRequests() throws Exception {
    batcher = start(8, Duration.ofMillis(5), 16);
    Expectation fourth = batcher.expect(); // never arrives within the delay

    List<CompletableFuture<BatchResult>> results = submitAnnounced(3, 0);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> model.calls.get() == 0);

    ticker.advance(Duration.ofMillis(5));
    batcher.wakeWorkers();

    assertThat(results.get(2).get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(3);
    assertThat(results.get(0).get().queueNanos()).isEqualTo(Duration.ofMillis(5).toNanos());
    assertThat(model.batchRows()).containsExactly(3);
    fourth.close();
  }

  @Test
  void aLoneRequestRunsAtOnceWhenNothingElseIsOnItsWay() throws Exception {
    batcher = start(8, Duration.ofHours(1), 16);

    BatchResult r = submitAnnounced(1, 0).get(0).get(5, TimeUnit.SECONDS); // the clock never moves

    assertThat(r.batchSize()).isEqualTo(1);
    assertThat(r.queueNanos()).isZero();
    assertThat(batcher.incoming()).isZero();
  }

  @Test
  void aWorkerWaitsForARequestOnItsWayAndRunsBothTogether() throws Exception {
    batcher = start(8, Duration.ofHours(1), 16);
    Expectation first = batcher.expect();
    Expectation second = batcher.expect();

    CompletableFuture<BatchResult> a = batcher.submitAll(List.of(row(0)), FAR, first).get(0);
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(1))
        .until(() -> model.calls.get() == 0);
    CompletableFuture<BatchResult> b = batcher.submitAll(List.of(row(1)), FAR, second).get(0);

    assertThat(a.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
    assertThat(b.get(5, TimeUnit.SECONDS).outputs().get("out").floats()).containsExactly(2f, 1002f);
    assertThat(model.batchRows()).containsExactly(2);
  }

  @Test
  void aRequestThatFailsOnItsWayStopsTheWaitAtOnce() throws Exception {
    batcher = start(8, Duration.ofHours(1), 16);
    Expectation first = batcher.expect();
    Expectation failing = batcher.expect();
    CompletableFuture<BatchResult> a = batcher.submitAll(List.of(row(0)), FAR, first).get(0);
    await()
        .during(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(1))
        .until(() -> model.calls.get() == 0);

    failing.close(); // decoding failed: it will never arrive
    failing.close(); // ending twice changes nothing

    assertThat(a.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    assertThat(batcher.incoming()).isZero();
  }

  @Test
  void aRejectedSubmissionStillEndsItsExpectation() throws Exception {
    batcher = start(1, Duration.ZERO, 1);
    model.block();
    CompletableFuture<BatchResult> running = submit(row(0), FAR);
    await().atMost(Duration.ofSeconds(5)).until(() -> model.calls.get() == 1);
    submit(row(1), FAR);
    Expectation refused = batcher.expect();

    assertThatThrownBy(() -> batcher.submitAll(List.of(row(2)), FAR, refused))
        .isInstanceOf(BatchRejectedException.class);
    assertThat(batcher.incoming()).isZero();
    model.release();
    running.get(5, TimeUnit.SECONDS);
  }

  @Test
  void batchingOffRunsEachRequestAlone() throws Exception {
    batcher = start(1, Duration.ZERO, 16);

    List<CompletableFuture<BatchResult>> results = submitRows(3, 0);

    for (CompletableFuture<BatchResult> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    }
    assertThat(model.batchRows()).containsExactly(1, 1, 1);
  }

  @Test
  void fullQueueRejectsAtOnce() throws Exception {
    batcher = start(1, Duration.ZERO, 2);
    model.block();
    CompletableFuture<BatchResult> running = submit(row(0), FAR);
    await().atMost(Duration.ofSeconds(5)).until(() -> model.calls.get() == 1);
    submit(row(1), FAR);
    submit(row(2), FAR);

    assertThatThrownBy(() -> submit(row(3), FAR))
        .isInstanceOf(BatchRejectedException.class)
        .hasMessageContaining("queue of 2 is full")
        .satisfies(e -> assertThat(((BatchRejectedException) e).queueFull()).isTrue());
    assertThat(batcher.queueDepth()).isEqualTo(2);
    assertThat(observer.rejected).containsExactly("queue_full");

    model.release();
    assertThat(running.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
  }

  @Test
  void expiredRequestsLeaveTheQueueBeforeCompute() throws Exception {
    batcher = start(1, Duration.ZERO, 8);
    model.block();
    CompletableFuture<BatchResult> first = submit(row(0), FAR);
    await().atMost(Duration.ofSeconds(5)).until(() -> model.calls.get() == 1);
    CompletableFuture<BatchResult> late =
        submit(row(1), ticker.nanoTime() + Duration.ofMillis(10).toNanos());
    CompletableFuture<BatchResult> patient = submit(row(2), FAR);

    ticker.advance(Duration.ofMillis(20));
    model.release();

    assertThat(first.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    assertThat(patient.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(DeadlineExpiredException.class)
        .hasMessageContaining("was not run");
    assertThat(model.calls.get()).isEqualTo(2);
    assertThat(batcher.stats().expiredRequests()).isEqualTo(1);
    assertThat(observer.expired.get()).isEqualTo(1);
  }

  @Test
  void runtimeFailureFailsOnlyThatBatch() throws Exception {
    batcher = start(2, Duration.ofHours(1), 8);
    Expectation more = batcher.expect(); // only full batches of 2 run

    CompletableFuture<BatchResult> poisoned = submit(row(FakeModel.POISON), FAR);
    CompletableFuture<BatchResult> neighbour = submit(row(1), FAR);
    List<CompletableFuture<BatchResult>> next = submitRows(2, 10);
    more.close();

    assertThatThrownBy(() -> poisoned.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ModelExecutionException.class);
    assertThatThrownBy(() -> neighbour.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ModelExecutionException.class);
    assertThat(next.get(0).get(5, TimeUnit.SECONDS).outputs().get("out").floats()[0])
        .isEqualTo(20f);
    assertThat(next.get(1).get(5, TimeUnit.SECONDS).outputs().get("out").floats()[0])
        .isEqualTo(22f);
    BatchStats stats = batcher.stats();
    assertThat(stats.failedBatches()).isEqualTo(1);
    assertThat(stats.failedRequests()).isEqualTo(2);
    assertThat(stats.completedRequests()).isEqualTo(2);
    assertThat(observer.failedBatches.get()).isEqualTo(1);
  }

  @Test
  void onlyRequestsOfTheSameShapeShareABatch() throws Exception {
    batcher = start(4, Duration.ofMillis(1), 16);
    Expectation more = batcher.expect(); // so the worker waits for the delay, not at once
    List<CompletableFuture<BatchResult>> results = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int width = i % 2 == 0 ? 2 : 3;
      results.add(submit(Map.of("in", Tensor.ofFloats(Shape.of(1, width), new float[width])), FAR));
    }

    ticker.advance(Duration.ofMillis(1));
    batcher.wakeWorkers();

    for (CompletableFuture<BatchResult> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
    }
    assertThat(model.widths()).containsExactlyInAnyOrder(2, 3);
    assertThat(model.batchRows()).containsExactly(2, 2);
    more.close();
  }

  @Test
  void resultsMatchTheirRequestsUnderConcurrency() throws Exception {
    batcher =
        new DynamicBatcher(
            "m",
            "1",
            model,
            new BatchSettings(8, Duration.ofMillis(1), 256, 2),
            Ticker.SYSTEM,
            observer);
    List<CompletableFuture<BatchResult>> results = Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int base = t * 100;
      clients.add(
          Thread.ofVirtual()
              .start(() -> {
                for (int i = 0; i < 25; i++) {
                  results.add(submit(row(base + i), Long.MAX_VALUE));
                }
              }));
    }
    for (Thread c : clients) {
      c.join();
    }

    for (CompletableFuture<BatchResult> r : results) {
      BatchResult result = r.get(10, TimeUnit.SECONDS);
      float[] out = result.outputs().get("out").floats();
      assertThat(out[1] - out[0]).isEqualTo(1000f);
      assertThat(result.outputs().get("out").shape()).isEqualTo(Shape.of(1, 2));
    }
    assertThat(batcher.stats().completedRequests()).isEqualTo(200);
    assertThat(model.batchRows().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
  }

  @Test
  void closeRunsWhatIsQueuedThenRejects() throws Exception {
    batcher = start(8, Duration.ofHours(1), 16);
    // Announced, so an idle worker waits for all three instead of dispatching the first at once.
    List<CompletableFuture<BatchResult>> queued = submitAnnounced(3, 0);

    batcher.close(Duration.ofSeconds(5));

    for (CompletableFuture<BatchResult> r : queued) {
      assertThat(r.get(1, TimeUnit.SECONDS).batchSize()).isEqualTo(3);
    }
    assertThatThrownBy(() -> submit(row(9), FAR))
        .isInstanceOf(BatchRejectedException.class)
        .hasMessageContaining("shutting down");
  }

  @Test
  void requestsWithInconsistentRowsAreRefused() {
    batcher = start(8, Duration.ZERO, 16);

    assertThatThrownBy(() ->
            submit(
                Map.of(
                    "a", Tensor.ofFloats(Shape.of(1, 2), new float[2]),
                    "b", Tensor.ofFloats(Shape.of(2, 2), new float[4])),
                FAR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new BatchSettings(0, Duration.ZERO, 1, 1))
        .hasMessageContaining("maxBatchSize: 0");
    assertThatThrownBy(() -> new BatchSettings(1, Duration.ZERO, 0, 1))
        .hasMessageContaining("queueCapacity: 0");
    assertThatThrownBy(() -> new BatchSettings(1, Duration.ZERO, 1, 0))
        .hasMessageContaining("instances: 0");
  }

  @Test
  void aWorkerKilledOutsideABatchIsReplacedAndTheModelServesOn() throws Exception {
    batcher = start(1, Duration.ZERO, 16);
    // The idle worker reads the clock while it waits for work: that read fails.
    ticker.failures.set(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> batcher.stats().workerRestarts() == 1);

    List<CompletableFuture<BatchResult>> results = submitRows(3, 0);

    for (CompletableFuture<BatchResult> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    }
    assertThat(observer.restarts.get()).isEqualTo(1);
  }

  @Test
  void aCancelledRequestLeavesTheQueueBeforeCompute() throws Exception {
    batcher = start(4, Duration.ofHours(1), 16);
    Expectation more = batcher.expect(); // so the worker waits for the delay, not at once
    List<CompletableFuture<BatchResult>> results = submitRows(2, 0);

    results.get(0).cancel(false);
    ticker.advance(Duration.ofHours(2));
    batcher.wakeWorkers();

    assertThat(results.get(1).get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(1);
    assertThat(model.batchRows()).containsExactly(1);
    assertThat(batcher.stats().cancelledRequests()).isEqualTo(1);
    more.close();
  }

  private DynamicBatcher start(int maxBatch, Duration delay, int capacity) {
    return new DynamicBatcher(
        "m", "1", model, new BatchSettings(maxBatch, delay, capacity, 1), ticker, observer);
  }

  private List<CompletableFuture<BatchResult>> submitRows(int n, int first) {
    List<CompletableFuture<BatchResult>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(submit(row(first + i), FAR));
    }
    return results;
  }

  /** Submits {@code n} rows, each announced first as the service does. */
  private List<CompletableFuture<BatchResult>> submitAnnounced(int n, int first) {
    List<Expectation> announced = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      announced.add(batcher.expect());
    }
    List<CompletableFuture<BatchResult>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.addAll(batcher.submitAll(List.of(row(first + i)), FAR, announced.get(i)));
    }
    return results;
  }

  private CompletableFuture<BatchResult> submit(Map<String, Tensor> inputs, long deadline) {
    return batcher.submit(inputs, deadline);
  }

  /** One request row {@code [v, v + 500]}; the fake model doubles it. */
  private static Map<String, Tensor> row(float v) {
    return Map.of("in", Tensor.ofFloats(Shape.of(1, 2), new float[] {v, v + 500}));
  }

  private static final class FakeTicker implements Ticker {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    /** Reads of the clock that throw an error, as running out of memory would, anywhere. */
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public long nanoTime() {
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new OutOfMemoryError("injected: Java heap space");
      }
      return now.get();
    }

    void advance(Duration d) {
      now.addAndGet(d.toNanos());
    }
  }

  /** Doubles its input; fails a batch holding {@link #POISON}; can be held mid-run. */
  private static final class FakeModel implements Model {
    static final float POISON = -1f;
    final AtomicInteger calls = new AtomicInteger();
    private final List<Shape> shapes = Collections.synchronizedList(new ArrayList<>());
    private volatile CountDownLatch gate = new CountDownLatch(0);

    void block() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    List<Integer> batchRows() {
      synchronized (shapes) {
        return shapes.stream().map(s -> (int) s.dim(0)).toList();
      }
    }

    List<Integer> widths() {
      synchronized (shapes) {
        return shapes.stream().map(s -> (int) s.dim(1)).toList();
      }
    }

    @Override
    public ModelMetadata metadata() {
      return new ModelMetadata(List.of(), List.of());
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
      calls.incrementAndGet();
      Tensor in = inputs.get("in");
      shapes.add(in.shape());
      try {
        if (!gate.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("test never released the model");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      float[] x = in.floats();
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        if (x[i] == POISON) {
          throw new ModelExecutionException("ONNX Runtime failed: poisoned input");
        }
        y[i] = 2 * x[i];
      }
      return Map.of("out", Tensor.ofFloats(in.shape(), y));
    }

    @Override
    public void close() {}
  }

  private static final class RecordingObserver implements InferenceObserver {
    final List<String> rejected = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger expired = new AtomicInteger();
    final AtomicInteger failedBatches = new AtomicInteger();
    final AtomicInteger restarts = new AtomicInteger();

    @Override
    public void workerRestarted(String model, String version) {
      restarts.incrementAndGet();
    }

    @Override
    public void rejected(String model, String version, String reason) {
      rejected.add(reason);
    }

    @Override
    public void expired(String model, String version, long queueNanos) {
      expired.incrementAndGet();
    }

    @Override
    public void batchExecuted(
        String model, String version, int size, long start, long end, boolean failed) {
      if (failed) {
        failedBatches.incrementAndGet();
      }
    }
  }
}
