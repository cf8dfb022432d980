package dev.argus.service;

import dev.argus.batching.BatchRejectedException;
import dev.argus.batching.BatchResult;
import dev.argus.batching.DeadlineExpiredException;
import dev.argus.batching.Expectation;
import dev.argus.batching.Ticker;
import dev.argus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Requests through a model's batcher, waited for never past their deadline, with the batcher's
 * failures turned into the domain's: a full queue is {@code QueueFull}, a closed one {@code
 * ShuttingDown}, an expired request {@code DeadlineExceeded}, a runtime failure {@code
 * InferenceFailed}. A request given up on is cancelled, so it leaves the queue before compute; so
 * is one its client calls off through the deadline's {@link Cancellation}, which then ends as
 * {@code Cancelled}.
 */
final class BatchCalls {
  private BatchCalls() {}

  /** Runs one request; {@code expected} is the announcement its submission ends. */
  static BatchResult run(
      ServingModel model,
      Map<String, Tensor> inputs,
      Deadline deadline,
      Ticker ticker,
      Expectation expected) {
    return runAll(model, List.of(inputs), deadline, ticker, expected).get(0);
  }

  /**
   * Submits every request together, so they can share a batch, then waits for all. When one fails,
   * the others still queued are cancelled.
   */
  static List<BatchResult> runAll(
      ServingModel model,
      List<Map<String, Tensor>> requests,
      Deadline deadline,
      Ticker ticker,
      Expectation expected) {
    if (deadline.cancellation().isCancelled()) {
      throw deadline.cancelled(model.name());
    }
    if (deadline.remainingNanos(ticker) <= 0) {
      throw deadline.exceeded(model.name());
    }
    List<CompletableFuture<BatchResult>> pending = new ArrayList<>(requests.size());
    try {
      pending.addAll(submit(model, requests, deadline, expected));
      pending.forEach(queued -> deadline.cancellation().watch(queued));
      List<BatchResult> results = new ArrayList<>(requests.size());
      for (CompletableFuture<BatchResult> p : pending) {
        results.add(await(model, p, deadline, ticker));
      }
      return results;
    } catch (RuntimeException e) {
      pending.forEach(p -> p.cancel(false));
      throw e;
    }
  }

  private static List<CompletableFuture<BatchResult>> submit(
      ServingModel model,
      List<Map<String, Tensor>> requests,
      Deadline deadline,
      Expectation expected) {
    try {
      return model.batcher().submitAll(requests, deadline.atNanos(), expected);
    } catch (BatchRejectedException e) {
      if (e.queueFull()) {
        throw ArgusException.QueueFull.forQueue(model.name(), e.capacity(), Admission.RETRY_AFTER);
      }
      throw new ArgusException.ShuttingDown();
    }
  }

  private static BatchResult await(
      ServingModel model,
      CompletableFuture<BatchResult> pending,
      Deadline deadline,
      Ticker ticker) {
    try {
      return pending.get(Math.max(0, deadline.remainingNanos(ticker)), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw deadline.exceeded(model.name());
    } catch (CancellationException e) {
      throw deadline.cancelled(model.name());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof DeadlineExpiredException) {
        throw deadline.exceeded(model.name());
      }
      if (cause instanceof BatchRejectedException) {
        throw new ArgusException.ShuttingDown();
      }
      if (cause instanceof OutOfMemoryError) {
        // The heap ran out while the batch ran: the request is shed for retry, not failed.
        throw new ArgusException.QueueFull(
            ArgusException.QueueFull.Limit.MEMORY,
            "model '" + model.name() + "': the server ran out of memory running its batch; retry",
            Admission.RETRY_AFTER);
      }
      throw new ArgusException.InferenceFailed(
          "model '" + model.name() + "' failed: " + cause.getMessage(), cause);
    }
  }
}
