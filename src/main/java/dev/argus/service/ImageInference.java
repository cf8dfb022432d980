package dev.argus.service;

import dev.argus.batching.BatchResult;
import dev.argus.batching.Ticker;
import dev.argus.model.LoadedModel;
import dev.argus.observe.Phase;
import dev.argus.observe.RequestRecord;
import dev.argus.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Inference on encoded images for an image classifier: one image from {@code /predict}, or the
 * BYTES input of a protocol request, whose images are decoded and preprocessed in turn and then
 * submitted to the batcher together, so they share a batch when batching allows it. The caller has
 * resolved the model and taken the admission place; failures are recorded by the caller.
 */
final class ImageInference {
  private final ImagePipeline pipeline;
  private final CpuWork cpu;
  private final MemoryBudget memory;
  private final Ticker ticker;
  private final InferenceRecorder recorder;

  ImageInference(
      ImagePipeline pipeline,
      CpuWork cpu,
      MemoryBudget memory,
      Ticker ticker,
      InferenceRecorder recorder) {
    this.pipeline = pipeline;
    this.cpu = cpu;
    this.memory = memory;
    this.ticker = ticker;
    this.recorder = recorder;
  }

  /**
   * Decodes and preprocesses one image on the CPU threads, timing both phases; its pixels take
   * their share of the memory budget from the header's size until the tensor is made.
   */
  private ImagePipeline.Prepared prepare(
      LoadedModel m, byte[] image, Deadline deadline, PhaseClock clock) {
    clock.next(Phase.DECODE);
    var p = m.settings().preprocessing();
    long tensor = 3L * p.outputWidth() * p.outputHeight();
    return cpu.run(
        () -> {
          MemoryBudget.Reservation[] held = new MemoryBudget.Reservation[1];
          try {
            return pipeline.prepare(
                m,
                image,
                (w, h) ->
                    held[0] =
                        memory.reserve(
                            MemoryBudget.costOf(w, h, tensor), "a " + w + "x" + h + " image"),
                () -> clock.next(Phase.PREPROCESS));
          } finally {
            if (held[0] != null) {
              held[0].close();
            }
          }
        },
        deadline,
        m.name());
  }

  Classification classify(
      ServingModel model,
      InferenceService.ImageRequest request,
      Deadline deadline,
      PhaseClock clock,
      RequestRecord record) {
    LoadedModel m = model.model();
    if (!m.settings().isImageClassifier()) {
      throw new ArgusException.InvalidInput(
          "model '"
              + m.name()
              + "' is a tensor model, not an image classifier; use POST /v2/models/"
              + m.name()
              + "/infer");
    }
    int k = request.topK() == 0 ? m.settings().topK() : request.topK();
    ImagePipeline.Prepared prepared = prepare(m, request.image(), deadline, clock);
    Tensor input = prepared.input();
    clock.next(Phase.QUEUE);
    BatchResult result =
        BatchCalls.run(
            model, Map.of(m.imageInputName(), input), deadline, ticker, clock.expectation());
    clock.batched(result.queueNanos(), result.computeNanos());
    List<Classification.Prediction> predictions = ImagePipeline.topK(m, result.outputs(), 0, k);
    List<InferenceOutcome.DriftSample> drift =
        recorder.driftEnabled()
            ? List.of(ImagePipeline.driftSample(prepared, predictions.get(0)))
            : List.of();
    String outputShape =
        String.valueOf(
            result.outputs().get(ImagePipeline.scoreOutput(m, result.outputs())).shape());
    Classification c =
        new Classification(
            m.name(),
            m.version(),
            predictions,
            result.batchSize(),
            input.shape().toString(),
            outputShape,
            clock.stop());
    recorder.record(
        record,
        model,
        InferenceOutcome.success(
            c.timings(),
            c.batchSize(),
            c.inputShape(),
            c.outputShape(),
            request.image().length,
            List.of(c.top()),
            drift));
    pipeline.release(prepared);
    return c;
  }

  /**
   * Each element of the BYTES input is an encoded image, decoded and preprocessed in turn; all of
   * them are then submitted together, so they share a batch when batching allows it.
   */
  InferResult infer(
      ServingModel model,
      InferenceService.TensorRequest request,
      Deadline deadline,
      PhaseClock clock,
      RequestRecord record) {
    LoadedModel m = model.model();
    TensorValidation.checkImageOutputs(m, request.outputs(), InferenceService.IMAGE_OUTPUTS);
    byte[][] encoded = (byte[][]) request.inputs().values().iterator().next().data();
    if (encoded.length == 0) {
      throw new ArgusException.InvalidInput("the BYTES input holds no image");
    }
    List<ImagePipeline.Prepared> prepared = new ArrayList<>(encoded.length);
    List<Map<String, Tensor>> rows = new ArrayList<>(encoded.length);
    for (byte[] image : encoded) {
      ImagePipeline.Prepared p = prepare(m, image, deadline, clock);
      prepared.add(p);
      rows.add(Map.of(m.imageInputName(), p.input()));
    }
    clock.next(Phase.QUEUE);
    List<BatchResult> results =
        BatchCalls.runAll(model, rows, deadline, ticker, clock.expectation());
    long queue = 0;
    long compute = 0;
    int batchSize = 0;
    for (BatchResult r : results) {
      queue = Math.max(queue, r.queueNanos());
      compute = Math.max(compute, r.computeNanos());
      batchSize = Math.max(batchSize, r.batchSize());
    }
    clock.batched(queue, compute);
    int n = encoded.length;
    List<Classification.Prediction> tops = new ArrayList<>(n);
    List<InferenceOutcome.DriftSample> drift = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Classification.Prediction top = ImagePipeline.topK(m, results.get(i).outputs(), 0, 1).get(0);
      tops.add(top);
      if (recorder.driftEnabled()) {
        drift.add(ImagePipeline.driftSample(prepared.get(i), top));
      }
    }
    Map<String, Tensor> selected =
        ImagePipeline.asTensors(
            tops, request.outputs().isEmpty() ? InferenceService.IMAGE_OUTPUTS : request.outputs());
    InferResult answer =
        new InferResult(model.name(), model.version(), selected, batchSize, clock.stop());
    Tensor firstInput = prepared.get(0).input();
    Tensor firstScores =
        results.get(0).outputs().get(ImagePipeline.scoreOutput(m, results.get(0).outputs()));
    recorder.record(
        record,
        model,
        InferenceOutcome.success(
            answer.timings(),
            batchSize,
            firstInput.shape().withFirstDim(n).toString(),
            firstScores.shape().withFirstDim(n).toString(),
            request.inputBytes(),
            tops,
            drift));
    prepared.forEach(pipeline::release);
    return answer;
  }
}
