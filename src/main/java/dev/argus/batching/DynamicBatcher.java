package dev.argus.batching;

import dev.argus.model.Model;
import dev.argus.observe.InferenceObserver;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers requests for one model into batches and runs each batch as one model call, modelled on
 * OpenTelemetry's {@code BatchSpanProcessor}: a bounded queue ({@link BatchQueue}), worker threads
 * ({@link BatchWorker}), "run when {@code max_batch_size} wait or the oldest has waited {@code
 * max_queue_delay}", and every wait bounded. Adaptive: a worker waits only while waiting can fill
 * the batch, that is while another request for the model is on its way ({@link #expect}); a request
 * that finds a worker idle and nothing else coming runs at once.
 *
 * <p>Only requests whose inputs have the same types and the same shape past the first dimension
 * share a batch; nothing is padded. A request whose deadline passes while queued, or whose caller
 * cancels its future, is dropped before compute. A full queue refuses new requests at once rather
 * than letting latency pile up. A runtime failure fails only the requests of that batch.
 */
public final class DynamicBatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

  private final String model;
  private final BatchSettings settings;
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final BatchCounters counters;
  private final BatchQueue queue;
  private final String version;
  private final Model runner;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  public DynamicBatcher(
      String model,
      String version,
      Model runner,
      BatchSettings settings,
      Ticker ticker,
      InferenceObserver observer) {
    this.model = model;
    this.settings = settings;
    this.ticker = ticker;
    this.observer = observer;
    this.counters = new BatchCounters(settings.maxBatchSize());
    this.queue = new BatchQueue(model, version, settings, ticker, observer, counters);
    this.version = version;
    this.runner = runner;
    for (int i = 0; i < settings.instances(); i++) {
      startWorker(i);
    }
  }

  /**
   * Starts worker {@code i}. A worker outlives any batch (it fails only that batch); should
   * anything still end it (an error outside a batch, such as running out of memory while waiting),
   * a new worker takes its place, so a model is never left without one.
   */
  private void startWorker(int i) {
    BatchWorker work =
        new BatchWorker(
            model, version, runner, queue, ticker, observer, counters, settings.maxBatchSize() > 1);
    Thread worker =
        Thread.ofPlatform()
            .name("argus-batch-" + model + "-" + i)
            .daemon()
            .unstarted(() -> {
              try {
                CpuPriority.lowerCurrentThread();
                work.run();
              } catch (Throwable t) {
                replace(i, t);
              }
            });
    synchronized (workers) {
      if (i < workers.size()) {
        workers.set(i, worker);
      } else {
        workers.add(worker);
      }
    }
    worker.start();
  }

  private void replace(int i, Throwable cause) {
    counters.workerRestarts.incrementAndGet();
    observer.workerRestarted(model, version);
    try {
      log.error("model {}: batch worker {} died; starting another", model, i, cause);
    } catch (Throwable ignored) {
      // Out of memory even for the log line: the replacement matters more.
    }
    if (!closed) {
      startWorker(i);
    }
  }

  public BatchSettings settings() {
    return settings;
  }

  /**
   * Queues one request. Cancelling the returned future takes the request out of the queue if it has
   * not started.
   *
   * @param inputs one tensor per model input; all share the first dimension (the request's rows)
   * @param deadline the {@link Ticker} time after which the request is dropped if not yet running
   * @return the request's rows of every output, completed by a worker
   * @throws BatchRejectedException when the queue is full or the batcher is closed
   */
  public CompletableFuture<BatchResult> submit(Map<String, Tensor> inputs, long deadline) {
    Pending pending =
        new Pending(
            inputs,
            Rows.signature(inputs),
            Rows.of(inputs),
            ticker.nanoTime(),
            deadline,
            observer.requestContext());
    queue.offer(pending);
    return pending.result;
  }

  /**
   * Announces a request on its way (admitted, still decoding), so that a worker holding fewer than
   * {@code max_batch_size} rows waits for it, up to {@code max_queue_delay}. End it by submitting
   * with it ({@link #submitAll}) or by closing it.
   */
  public Expectation expect() {
    return queue.expect();
  }

  /**
   * Queues requests together, so they can share a batch, and ends {@code expected}: the request
   * they belong to is no longer on its way. Cancelling a returned future takes that request out of
   * the queue if it has not started.
   *
   * @param requests each one tensor per model input, its inputs sharing the first dimension
   * @param deadline the {@link Ticker} time after which a request is dropped if not yet running
   * @throws BatchRejectedException when there is no room for all of them, or the batcher is closed
   */
  public List<CompletableFuture<BatchResult>> submitAll(
      List<Map<String, Tensor>> requests, long deadline, Expectation expected) {
    long now = ticker.nanoTime();
    Object context = observer.requestContext();
    List<Pending> pending = new ArrayList<>(requests.size());
    List<CompletableFuture<BatchResult>> results = new ArrayList<>(requests.size());
    for (Map<String, Tensor> inputs : requests) {
      Pending p =
          new Pending(inputs, Rows.signature(inputs), Rows.of(inputs), now, deadline, context);
      pending.add(p);
      results.add(p.result);
    }
    queue.offerAll(pending, expected);
    return results;
  }

  /** Requests announced ({@link #expect}) and not yet submitted. */
  public int incoming() {
    return queue.incoming();
  }

  /** Requests waiting for a batch now. */
  public int queueDepth() {
    return queue.depth();
  }

  /**
   * How long the oldest queued request still wanted has waited at {@code now} ({@link Ticker}
   * time); 0 when none waits. A value far above {@code max_queue_delay} means no worker makes
   * progress.
   */
  public long oldestWaitNanos(long now) {
    return queue.oldestWaitNanos(now);
  }

  public BatchStats stats() {
    return counters.snapshot(queue.depth(), settings.queueCapacity());
  }

  /** Wakes the workers to re-check the queue now (tests advance a fake ticker, then call this). */
  void wakeWorkers() {
    queue.wake();
  }

  /**
   * Stops taking requests, runs what is queued, and waits up to {@code grace} for the workers.
   * Requests still queued after that fail as rejected.
   */
  public void close(Duration grace) {
    closed = true;
    queue.close();
    long deadline = System.nanoTime() + grace.toNanos();
    List<Thread> current;
    synchronized (workers) {
      current = List.copyOf(workers);
    }
    for (Thread worker : current) {
      try {
        worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Pending> left = queue.drain();
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
}
