package dev.argus.batching;

import dev.argus.tensor.Tensor;
import java.util.Map;

/**
 * One request's share of a batch: its rows of every output, how long it queued, how long its batch
 * computed, and how many requests shared the batch.
 */
public record BatchResult(
    Map<String, Tensor> outputs, long queueNanos, long computeNanos, int batchSize) {}
