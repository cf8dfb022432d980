package dev.argus.service;

import dev.argus.batching.CpuPriority;
import dev.argus.batching.Ticker;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the CPU-heavy steps of a request (decoding and preprocessing images) on platform threads,
 * one per core, instead of on the virtual threads' carriers. A virtual thread is never preempted:
 * one decoding a photo for 15 ms holds its carrier that long, and with every carrier busy, probes,
 * scrapes and refusals would wait behind the decodes. Here the operating system shares the cores
 * between these threads, the carriers stay free for everything that waits on I/O, and the request's
 * virtual thread simply waits for its result.
 */
final class CpuWork implements AutoCloseable {
  private final ExecutorService threads;
  private final Ticker ticker;

  CpuWork(int threads, Ticker ticker) {
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newFixedThreadPool(
            threads,
            r ->
                Thread.ofPlatform()
                    .name("argus-cpu-" + n.getAndIncrement())
                    .daemon()
                    .unstarted(() -> {
                      CpuPriority.lowerCurrentThread();
                      r.run();
                    }));
    this.ticker = ticker;
  }

  /**
   * Runs {@code work} and waits for it, never past {@code deadline}; what it throws is thrown here.
   *
   * @throws ArgusException.DeadlineExceeded when the deadline passes first (the work is abandoned)
   */
  <T> T run(Supplier<T> work, Deadline deadline, String model) {
    Future<T> result = threads.submit(work::get);
    try {
      return result.get(Math.max(0, deadline.remainingNanos(ticker)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw deadline.exceeded(model);
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
