package dev.argus.service;

import dev.argus.batching.BatchResult;
import dev.argus.batching.Ticker;
import dev.argus.model.LoadedModel;
import dev.argus.observe.Phase;
import dev.argus.observe.RequestRecord;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protocol-neutral inference: every transport turns its request into a call here and its answer
 * back. A call resolves the model, takes an admission place, decodes and preprocesses, runs the
 * model through its batcher with a deadline, postprocesses, and records its outcome once ({@link
 * InferenceRecorder}), whether it succeeded or failed.
 */
public final class InferenceService {
  /** Upper bound for {@code top_k}; more is clamped to the number of classes anyway. */
  public static final int MAX_TOP_K = 1000;

  /** Outputs an image classifier returns when it is sent encoded images as a BYTES input. */
  public static final List<String> IMAGE_OUTPUTS = List.of("label", "confidence", "class_id");

  /**
   * One encoded image to classify.
   *
   * @param model the model, or null for the default one
   * @param topK how many classes to return, or 0 for the model's {@code top_k}
   */
  public record ImageRequest(String model, byte[] image, int topK) {}

  /**
   * Tensors for a model (the Open Inference Protocol).
   *
   * @param version the version asked for, or null for the one served
   * @param outputs the outputs wanted, in order; empty for all
   * @param inputBytes the size of the request body
   * @param decodeStartNanos when the transport started to decode the body ({@link
   *     System#nanoTime}): the decode phase runs from then to this call
   */
  public record TensorRequest(
      String model,
      String version,
      Map<String, Tensor> inputs,
      List<String> outputs,
      long inputBytes,
      long decodeStartNanos) {}

  private final ModelCatalogue catalogue;
  private final ImagePipeline images;
  private final Admission admission;
  private final Ticker ticker;
  private final InferenceRecorder recorder;

  public InferenceService(
      ModelCatalogue catalogue,
      dev.argus.image.ImageDecoder decoder,
      int maxConcurrentPredictions,
      Ticker ticker,
      InferenceRecorder recorder) {
    this.catalogue = catalogue;
    this.images = new ImagePipeline(decoder);
    this.admission = new Admission(maxConcurrentPredictions);
    this.ticker = ticker;
    this.recorder = recorder;
  }

  /**
   * Classifies one encoded image.
   *
   * @param timeout how long the request may take from now; past it the answer is a timeout
   */
  public Classification classify(ImageRequest request, Duration timeout, RequestRecord record) {
    Deadline deadline = Deadline.after(ticker, timeout, Cancellation.NONE);
    PhaseClock clock = new PhaseClock(System.nanoTime(), Phase.DECODE);
    if (request.topK() < 0 || request.topK() > MAX_TOP_K) {
      throw new ArgusException.InvalidInput(
          "top_k: " + request.topK() + " (expected: 1.." + MAX_TOP_K + ")");
    }
    ServingModel model =
        catalogue.serving(request.model() == null ? catalogue.defaultModelName() : request.model());
    recorder.begin(record, model);
    try (Admission.Permit permit = admission.admit()) {
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
      var decoded = images.decode(request.image());
      clock.next(Phase.PREPROCESS);
      Tensor input = images.preprocess(m, decoded);
      clock.next(Phase.QUEUE);
      BatchResult result =
          BatchCalls.run(model, Map.of(m.imageInputName(), input), deadline, ticker);
      clock.batched(result.queueNanos(), result.computeNanos());
      List<Classification.Prediction> predictions = ImagePipeline.topK(m, result.outputs(), 0, k);
      List<InferenceOutcome.DriftSample> drift =
          recorder.driftEnabled()
              ? List.of(ImagePipeline.driftSample(decoded, input, predictions.get(0)))
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
      return c;
    } catch (ArgusException e) {
      recorder.record(record, model, InferenceOutcome.failure(clock, e));
      throw e;
    }
  }

  /**
   * Runs a tensor request. An image classifier also takes one BYTES input of encoded images, each
   * classified as {@link #classify} would, all submitted to the batcher together.
   *
   * @throws ArgusException.InvalidInput when the inputs do not fit the model's metadata
   */
  public InferResult infer(TensorRequest request, Duration timeout, RequestRecord record) {
    return infer(request, timeout, Cancellation.NONE, record);
  }

  /** {@link #infer(TensorRequest, Duration, RequestRecord)} that its client may call off. */
  public InferResult infer(
      TensorRequest request, Duration timeout, Cancellation cancellation, RequestRecord record) {
    Deadline deadline = Deadline.after(ticker, timeout, cancellation);
    PhaseClock clock = new PhaseClock(request.decodeStartNanos(), Phase.DECODE);
    ServingModel model = catalogue.serving(request.model(), request.version());
    recorder.begin(record, model);
    try (Admission.Permit permit = admission.admit()) {
      clock.next(Phase.PREPROCESS);
      InferResult result =
          isImageRequest(model.model(), request.inputs())
              ? inferImages(model, request, deadline, clock, record)
              : inferTensors(model, request, deadline, clock, record);
      return result;
    } catch (ArgusException e) {
      recorder.record(record, model, InferenceOutcome.failure(clock, e));
      throw e;
    }
  }

  private static boolean isImageRequest(LoadedModel model, Map<String, Tensor> inputs) {
    return model.settings().isImageClassifier()
        && inputs.size() == 1
        && inputs.values().iterator().next().type() == DataType.BYTES;
  }

  private InferResult inferTensors(
      ServingModel model,
      TensorRequest request,
      Deadline deadline,
      PhaseClock clock,
      RequestRecord record) {
    TensorValidation.check(model.model(), request.inputs(), request.outputs());
    clock.next(Phase.QUEUE);
    BatchResult result = BatchCalls.run(model, request.inputs(), deadline, ticker);
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

  /**
   * Each element of the BYTES input is an encoded image, decoded and preprocessed in turn; all of
   * them are then submitted together, so they share a batch when batching allows it.
   */
  private InferResult inferImages(
      ServingModel model,
      TensorRequest request,
      Deadline deadline,
      PhaseClock clock,
      RequestRecord record) {
    LoadedModel m = model.model();
    TensorValidation.checkImageOutputs(m, request.outputs(), IMAGE_OUTPUTS);
    byte[][] encoded = (byte[][]) request.inputs().values().iterator().next().data();
    if (encoded.length == 0) {
      throw new ArgusException.InvalidInput("the BYTES input holds no image");
    }
    List<ImagePipeline.Prepared> prepared = new ArrayList<>(encoded.length);
    List<Map<String, Tensor>> rows = new ArrayList<>(encoded.length);
    for (byte[] image : encoded) {
      clock.next(Phase.DECODE);
      var decoded = images.decode(image);
      clock.next(Phase.PREPROCESS);
      Tensor input = images.preprocess(m, decoded);
      prepared.add(new ImagePipeline.Prepared(decoded, input));
      rows.add(Map.of(m.imageInputName(), input));
    }
    clock.next(Phase.QUEUE);
    List<BatchResult> results = BatchCalls.runAll(model, rows, deadline, ticker);
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
        drift.add(ImagePipeline.driftSample(prepared.get(i).image(), prepared.get(i).input(), top));
      }
    }
    Map<String, Tensor> selected =
        ImagePipeline.asTensors(
            tops, request.outputs().isEmpty() ? IMAGE_OUTPUTS : request.outputs());
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
    return answer;
  }
}
