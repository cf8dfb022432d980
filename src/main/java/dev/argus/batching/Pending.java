package dev.argus.batching;

import dev.argus.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A queued request: its inputs, what it may share a batch with, and the future it waits on. */
final class Pending {
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

  /** The submitter gave up (cancelled its future): the request must not run. */
  boolean abandoned() {
    return result.isDone();
  }
}
