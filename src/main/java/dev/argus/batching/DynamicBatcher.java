package dev.argus.batching;

import dev.argus.model.Model;
import dev.argus.observe.InferenceObserver;
import dev.argus.observe.LogContext;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gathers requests for one model into batches and runs each batch as one model call, modelled on
 * OpenTelemetry's {@code BatchSpanProcessor}: a bounded queue, worker threads, "run when {@code
 * max_batch_size} wait or the oldest has waited {@code max_queue_delay}", and every wait bounded.
 *
 * <p>Only requests whose inputs have the same types and the same shape past the first dimension
 * share a batch; nothing is padded. A request whose deadline passes while queued is dropped before
 * compute. A full queue refuses new requests at once rather than letting latency pile up. A runtime
 * failure fails only the requests of that batch.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

  /** Longest a worker sleeps without re-checking the queue, whatever it waits for. */
  private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String model;
  private final String version;
  private final Model runner;
  private final BatchSettings settings;
  private final long maxDelayNanos;
  private final Ticker ticker;
  private final InferenceObserver observer;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean closed;
  private volatile int depth;
  private final List<Thread> workers = new ArrayList<>();

  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong failedBatches = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong queueNanos = new AtomicLong();
  private final AtomicLong computeNanos = new AtomicLong();
  private final AtomicLongArray batchSizes;

  /** A queued request. */
  private static final class Pending {
    final Map<String, Tensor> inputs;
    final String signature;
    final int rows;
    final long enqueuedAt;
    final long deadline;
    final Object traceContext;
    final CompletableFuture<BatchResult> result = new CompletableFuture<>();

    Pending(
        Map<String, Tensor> inputs,
        String signature,
        int rows,
        long enqueuedAt,
        long deadline,
        Object traceContext) {
      this.inputs = inputs;
      this.signature = signature;
      this.rows = rows;
      this.enqueuedAt = enqueuedAt;
      this.deadline = deadline;
      this.traceContext = traceContext;
    }
  }

  /** What the batcher has done since it started. */
  public record Stats(
      long batches,
      long failedBatches,
      long completedRequests,
      long failedRequests,
      long rejectedRequests,
      long expiredRequests,
      long queueNanos,
      long computeNanos,
      long[] batchSizeCounts,
      int queueDepth,
      int queueCapacity) {}

  public DynamicBatcher(
      String model,
      String version,
      Model runner,
      BatchSettings settings,
      Ticker ticker,
      InferenceObserver observer) {
    this.model = model;
    this.version = version;
    this.runner = runner;
    this.settings = settings;
    this.maxDelayNanos = settings.maxQueueDelay().toNanos();
    this.ticker = ticker;
    this.observer = observer;
    this.batchSizes = new AtomicLongArray(settings.maxBatchSize() + 1);
    for (int i = 0; i < settings.instances(); i++) {
      Thread worker =
          Thread.ofPlatform().name("argus-batch-" + model + "-" + i).daemon().unstarted(this::work);
      workers.add(worker);
      worker.start();
    }
  }

  public BatchSettings settings() {
    return settings;
  }

  /**
   * Queues one request.
   *
   * @param inputs one tensor per model input; all share the first dimension (the request's rows)
   * @param deadline the {@link Ticker} time after which the request is dropped if not yet running
   * @return the request's rows of every output, completed by a worker
   * @throws BatchRejectedException when the queue is full or the batcher is closed
   */
  public CompletableFuture<BatchResult> submit(Map<String, Tensor> inputs, long deadline) {
    int rows = rowsOf(inputs);
    Pending pending =
        new Pending(
            inputs,
            signatureOf(inputs),
            rows,
            ticker.nanoTime(),
            deadline,
            observer.requestContext());
    lock.lock();
    try {
      if (closed) {
        rejected.incrementAndGet();
        observer.rejected(model, version, "closed");
        throw new BatchRejectedException(
            "model '" + model + "' is shutting down", false, settings.queueCapacity());
      }
      if (queue.size() >= settings.queueCapacity()) {
        rejected.incrementAndGet();
        observer.rejected(model, version, "queue_full");
        throw new BatchRejectedException(
            "model '" + model + "' queue of " + settings.queueCapacity() + " is full",
            true,
            settings.queueCapacity());
      }
      queue.addLast(pending);
      depth = queue.size();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return pending.result;
  }

  /** Requests waiting for a batch now. */
  public int queueDepth() {
    return depth;
  }

  public Stats stats() {
    long[] sizes = new long[batchSizes.length()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = batchSizes.get(i);
    }
    return new Stats(
        batches.get(),
        failedBatches.get(),
        completed.get(),
        failed.get(),
        rejected.get(),
        expired.get(),
        queueNanos.get(),
        computeNanos.get(),
        sizes,
        depth,
        settings.queueCapacity());
  }

  /** Wakes the workers to re-check the queue now (tests advance a fake ticker, then call this). */
  void wakeWorkers() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops taking requests, runs what is queued, and waits up to {@code grace} for the workers.
   * Requests still queued after that fail as rejected.
   */
  public void close(Duration grace) {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread worker : workers) {
      try {
        worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Pending> left = new ArrayList<>();
    lock.lock();
    try {
      left.addAll(queue);
      queue.clear();
      depth = 0;
    } finally {
      lock.unlock();
    }
    for (Pending p : left) {
      p.result.completeExceptionally(
          new BatchRejectedException(
              "model '" + model + "' stopped before this request ran",
              false,
              settings.queueCapacity()));
    }
    if (!left.isEmpty()) {
      log.warn(
          "model {}: {} queued requests did not run within the shutdown grace", model, left.size());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  private void work() {
    while (true) {
      List<Pending> batch;
      try {
        batch = nextBatch();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == null) {
        return;
      }
      List<Object> contexts = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        contexts.add(p.traceContext);
      }
      // Lines logged while the batch runs name the model and carry the batch span's trace.
      MDC.put(LogContext.MODEL, model);
      MDC.put(LogContext.MODEL_VERSION, version);
      InferenceObserver.BatchScope scope = observer.batchStarted(model, version, contexts);
      Throwable failure = null;
      try {
        failure = execute(batch);
      } catch (Throwable t) {
        failure = t;
        // The worker must outlive any batch: fail this batch and keep serving.
        log.error("model {}: batch of {} failed unexpectedly", model, batch.size(), t);
        for (Pending p : batch) {
          p.result.completeExceptionally(t);
        }
      } finally {
        scope.end(failure);
        MDC.remove(LogContext.MODEL);
        MDC.remove(LogContext.MODEL_VERSION);
      }
    }
  }

  /** Waits for the next batch to be due; null once closed and drained. */
  private List<Pending> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        long now = ticker.nanoTime();
        dropExpired(now);
        if (queue.isEmpty()) {
          if (closed) {
            return null;
          }
          changed.awaitNanos(MAX_WAIT_NANOS);
          continue;
        }
        Pending head = queue.peekFirst();
        long waited = now - head.enqueuedAt;
        if (closed || waited >= maxDelayNanos || matchingRows(head) >= settings.maxBatchSize()) {
          List<Pending> batch = take(head);
          depth = queue.size();
          return batch;
        }
        changed.awaitNanos(Math.min(maxDelayNanos - waited, MAX_WAIT_NANOS));
      }
    } finally {
      lock.unlock();
    }
  }

  private void dropExpired(long now) {
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (now >= p.deadline) {
        it.remove();
        long waited = now - p.enqueuedAt;
        expired.incrementAndGet();
        observer.expired(model, version, waited);
        p.result.completeExceptionally(
            new DeadlineExpiredException(
                "deadline passed after "
                    + TimeUnit.NANOSECONDS.toMillis(waited)
                    + " ms in model '"
                    + model
                    + "' queue; the request was not run"));
      }
    }
    depth = queue.size();
  }

  private int matchingRows(Pending head) {
    int rows = 0;
    for (Pending p : queue) {
      if (p.signature.equals(head.signature)) {
        rows += p.rows;
        if (rows >= settings.maxBatchSize()) {
          break;
        }
      }
    }
    return rows;
  }

  /** Removes the head and the requests that fit with it, oldest first. */
  private List<Pending> take(Pending head) {
    List<Pending> batch = new ArrayList<>();
    int rows = 0;
    Iterator<Pending> it = queue.iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p == head
          || (p.signature.equals(head.signature) && rows + p.rows <= settings.maxBatchSize())) {
        it.remove();
        batch.add(p);
        rows += p.rows;
        if (rows >= settings.maxBatchSize()) {
          break;
        }
      }
    }
    return batch;
  }

  /** Runs one batch and completes its requests; returns what failed the batch, or null. */
  private Throwable execute(List<Pending> batch) {
    long start = ticker.nanoTime();
    long realStart = System.nanoTime();
    for (Pending p : batch) {
      long waited = start - p.enqueuedAt;
      queueNanos.addAndGet(waited);
      observer.dequeued(model, version, waited);
    }
    int totalRows = batch.stream().mapToInt(p -> p.rows).sum();
    Map<String, Tensor> outputs;
    try {
      outputs = runner.run(batch.size() == 1 ? batch.get(0).inputs : concat(batch, totalRows));
    } catch (RuntimeException e) {
      long end = ticker.nanoTime();
      batches.incrementAndGet();
      failedBatches.incrementAndGet();
      failed.addAndGet(batch.size());
      computeNanos.addAndGet(end - start);
      observer.batchExecuted(model, version, batch.size(), realStart, System.nanoTime(), true);
      log.warn("model {}: batch of {} requests failed: {}", model, batch.size(), e.getMessage());
      for (Pending p : batch) {
        p.result.completeExceptionally(e);
      }
      return e;
    }
    long end = ticker.nanoTime();
    long compute = end - start;
    batches.incrementAndGet();
    batchSizes.incrementAndGet(Math.min(batch.size(), batchSizes.length() - 1));
    computeNanos.addAndGet(compute);
    observer.batchExecuted(model, version, batch.size(), realStart, System.nanoTime(), false);
    if (log.isDebugEnabled()) {
      log.debug(
          "batch of {} requests ({} rows) ran in {} ms",
          batch.size(),
          totalRows,
          compute / 1_000_000.0);
    }
    if (batch.size() == 1) {
      Pending p = batch.get(0);
      completed.incrementAndGet();
      p.result.complete(new BatchResult(outputs, start - p.enqueuedAt, compute, 1));
      return null;
    }
    for (Map.Entry<String, Tensor> out : outputs.entrySet()) {
      if (out.getValue().shape().rank() == 0 || out.getValue().shape().dim(0) != totalRows) {
        RuntimeException e =
            new IllegalStateException(
                "output '"
                    + out.getKey()
                    + "' has shape "
                    + out.getValue().shape()
                    + ", not "
                    + totalRows
                    + " rows; the model cannot be batched (set max_batch_size: 1)");
        failed.addAndGet(batch.size());
        batch.forEach(p -> p.result.completeExceptionally(e));
        return e;
      }
    }
    int offset = 0;
    for (Pending p : batch) {
      Map<String, Tensor> mine = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> out : outputs.entrySet()) {
        mine.put(out.getKey(), slice(out.getValue(), offset, p.rows, totalRows));
      }
      offset += p.rows;
      completed.incrementAndGet();
      p.result.complete(new BatchResult(mine, start - p.enqueuedAt, compute, batch.size()));
    }
    return null;
  }

  private static Map<String, Tensor> concat(List<Pending> batch, int totalRows) {
    Map<String, Tensor> first = batch.get(0).inputs;
    Map<String, Tensor> joined = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : first.entrySet()) {
      Tensor t = e.getValue();
      int rowElements = Math.toIntExact(t.shape().elementCount() / Math.max(1, t.shape().dim(0)));
      Object data =
          Array.newInstance(t.data().getClass().getComponentType(), totalRows * rowElements);
      int offset = 0;
      for (Pending p : batch) {
        Tensor part = p.inputs.get(e.getKey());
        int length = Array.getLength(part.data());
        System.arraycopy(part.data(), 0, data, offset, length);
        offset += length;
      }
      joined.put(e.getKey(), Tensor.of(t.type(), t.shape().withFirstDim(totalRows), data));
    }
    return joined;
  }

  private static Tensor slice(Tensor t, int firstRow, int rows, int totalRows) {
    int rowElements = Math.toIntExact(t.shape().elementCount() / totalRows);
    Object data = Array.newInstance(t.data().getClass().getComponentType(), rows * rowElements);
    System.arraycopy(t.data(), firstRow * rowElements, data, 0, rows * rowElements);
    return Tensor.of(t.type(), t.shape().withFirstDim(rows), data);
  }

  private static int rowsOf(Map<String, Tensor> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("inputs: {} (expected: at least one tensor)");
    }
    long rows = -1;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      Shape shape = e.getValue().shape();
      long r = shape.rank() == 0 ? 1 : shape.dim(0);
      if (rows >= 0 && r != rows) {
        throw new IllegalArgumentException(
            "input '"
                + e.getKey()
                + "' has "
                + r
                + " rows (expected: "
                + rows
                + " like the others)");
      }
      rows = r;
    }
    return Math.toIntExact(rows);
  }

  /** Types and shapes past the first dimension: requests batch together only when these match. */
  private static String signatureOf(Map<String, Tensor> inputs) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Tensor> e : new TreeMap<>(inputs).entrySet()) {
      long[] dims = e.getValue().shape().dims();
      sb.append(e.getKey())
          .append(':')
          .append(e.getValue().type())
          .append(
              Arrays.toString(dims.length == 0 ? dims : Arrays.copyOfRange(dims, 1, dims.length)))
          .append(';');
    }
    return sb.toString();
  }
}
