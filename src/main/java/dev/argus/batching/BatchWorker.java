package dev.argus.batching;

import dev.argus.model.Model;
import dev.argus.observe.InferenceObserver;
import dev.argus.observe.LogContext;
import dev.argus.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One worker of a batcher: takes each due batch from the queue, runs it as one model call, and
 * hands every request its rows of the outputs. A runtime failure fails only that batch; nothing a
 * batch throws ends the worker.
 */
final class BatchWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

  private final String model;
  private final String version;
  private final Model runner;
  private final BatchQueue queue;
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final BatchCounters counters;
  private final boolean batching;

  BatchWorker(
      String model,
      String version,
      Model runner,
      BatchQueue queue,
      Ticker ticker,
      InferenceObserver observer,
      BatchCounters counters,
      boolean batching) {
    this.model = model;
    this.version = version;
    this.runner = runner;
    this.queue = queue;
    this.ticker = ticker;
    this.observer = observer;
    this.counters = counters;
    this.batching = batching;
  }

  @Override
  public void run() {
    while (true) {
      List<Pending> batch;
      try {
        batch = queue.next();
      } catch (InterruptedException e) {
        return;
      }
      if (batch == null) {
        return;
      }
      runOne(batch);
    }
  }

  private void runOne(List<Pending> batch) {
    List<Object> contexts = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      contexts.add(p.traceContext);
    }
    // Lines logged while the batch runs name the model and carry the batch span's trace (the
    // request's, for a model that does not batch).
    MDC.put(LogContext.MODEL, model);
    MDC.put(LogContext.MODEL_VERSION, version);
    InferenceObserver.BatchScope scope = observer.batchStarted(model, version, contexts, batching);
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

  /** Runs one batch and completes its requests; returns what failed the batch, or null. */
  private Throwable execute(List<Pending> batch) {
    long start = ticker.nanoTime();
    long realStart = System.nanoTime();
    for (Pending p : batch) {
      long waited = start - p.enqueuedAt;
      counters.queueNanos.addAndGet(waited);
      observer.dequeued(model, version, waited);
    }
    int totalRows = 0;
    for (Pending p : batch) {
      totalRows += p.rows;
    }
    List<Map<String, Tensor>> rows = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      rows.add(p.inputs);
    }
    long joined = ticker.nanoTime();
    Map<String, Tensor> outputs;
    try {
      // The model joins the rows where it copies its inputs anyway (the ONNX backend: straight
      // into its native input memory), so a batch makes no joined array on the heap.
      outputs = runner.runRows(rows, totalRows);
    } catch (RuntimeException e) {
      counters.batches.incrementAndGet();
      counters.failedBatches.incrementAndGet();
      counters.failed.addAndGet(batch.size());
      counters.computeNanos.addAndGet(ticker.nanoTime() - start);
      observer.batchExecuted(model, version, batch.size(), realStart, System.nanoTime(), true);
      log.warn("model {}: batch of {} requests failed: {}", model, batch.size(), e.getMessage());
      for (Pending p : batch) {
        p.result.completeExceptionally(e);
      }
      return e;
    }
    long ran = ticker.nanoTime();
    long compute = ran - start;
    counters.batches.incrementAndGet();
    counters.computeNanos.addAndGet(compute);
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
      counters.batchOf(1, joined - start, ran - joined, 0);
      counters.completed.incrementAndGet();
      p.result.complete(new BatchResult(outputs, start - p.enqueuedAt, compute, 1));
      return null;
    }
    RuntimeException unbatchable = checkRows(outputs, totalRows);
    if (unbatchable != null) {
      counters.failed.addAndGet(batch.size());
      batch.forEach(p -> p.result.completeExceptionally(unbatchable));
      return unbatchable;
    }
    List<Map<String, Tensor>> parts = new ArrayList<>(batch.size());
    int offset = 0;
    for (Pending p : batch) {
      Map<String, Tensor> mine = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> out : outputs.entrySet()) {
        mine.put(out.getKey(), Rows.slice(out.getValue(), offset, p.rows, totalRows));
      }
      offset += p.rows;
      parts.add(mine);
    }
    counters.batchOf(batch.size(), joined - start, ran - joined, ticker.nanoTime() - ran);
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      counters.completed.incrementAndGet();
      p.result.complete(new BatchResult(parts.get(i), start - p.enqueuedAt, compute, batch.size()));
    }
    return null;
  }

  /** A failure to report when an output does not have one row per input row; else null. */
  private static RuntimeException checkRows(Map<String, Tensor> outputs, int totalRows) {
    for (Map.Entry<String, Tensor> out : outputs.entrySet()) {
      if (out.getValue().shape().rank() == 0 || out.getValue().shape().dim(0) != totalRows) {
        return new IllegalStateException(
            "output '"
                + out.getKey()
                + "' has shape "
                + out.getValue().shape()
                + ", not "
                + totalRows
                + " rows; the model cannot be batched (set max_batch_size: 1)");
      }
    }
    return null;
  }
}
