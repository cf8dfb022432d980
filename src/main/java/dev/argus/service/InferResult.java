package dev.argus.service;

import dev.argus.observe.PhaseTimings;
import dev.argus.tensor.Tensor;
import java.util.Map;

/** What a protocol inference returns: the requested outputs of the model that ran. */
public record InferResult(
    String model,
    String version,
    Map<String, Tensor> outputs,
    int batchSize,
    PhaseTimings timings) {}
