package dev.argus.service;

import dev.argus.batching.BatchResult;
import dev.argus.batching.Ticker;
import dev.argus.observe.Phase;
import dev.argus.observe.RequestRecord;
import dev.argus.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inference on tensors (the Open Inference Protocol): inputs checked against the model's metadata,
 * one batcher entry, the outputs asked for. The caller has resolved the model and taken the
 * admission place; failures are recorded by the caller.
 */
final class TensorInference {
  private final Ticker ticker;
  private final InferenceRecorder recorder;

  TensorInference(Ticker ticker, InferenceRecorder recorder) {
    this.ticker = ticker;
    this.recorder = recorder;
  }

  InferResult infer(
      ServingModel model,
      InferenceService.TensorRequest request,
      Deadline deadline,
      PhaseClock clock,
      RequestRecord record) {
    TensorValidation.check(model.model(), request.inputs(), request.outputs());
    clock.next(Phase.QUEUE);
    BatchResult result =
        BatchCalls.run(model, request.inputs(), deadline, ticker, clock.expectation());
    clock.batched(result.queueNanos(), result.computeNanos());
    List<InferenceOutcome.DriftSample> drift =
        recorder.driftEnabled()
            ? List.of(InferenceOutcome.inputMeans(request.inputs())) // a pass over every input
            : List.of();
    Map<String, Tensor> selected = new LinkedHashMap<>();
    if (request.outputs().isEmpty()) {
      selected.putAll(result.outputs());
    } else {
      for (String name : request.outputs()) {
        selected.put(name, result.outputs().get(name));
      }
    }
    InferResult answer =
        new InferResult(model.name(), model.version(), selected, result.batchSize(), clock.stop());
    recorder.record(
        record,
        model,
        InferenceOutcome.success(
            answer.timings(),
            answer.batchSize(),
            InferenceOutcome.shapes(request.inputs()),
            InferenceOutcome.shapes(result.outputs()),
            request.inputBytes(),
            List.of(),
            drift));
    return answer;
  }
}
