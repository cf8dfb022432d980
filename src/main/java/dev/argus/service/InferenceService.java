package dev.argus.service;

import dev.argus.batching.Expectation;
import dev.argus.batching.Ticker;
import dev.argus.model.LoadedModel;
import dev.argus.observe.Phase;
import dev.argus.observe.RequestRecord;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Protocol-neutral inference: every transport turns its request into a call here and its answer
 * back. A call resolves the model, takes an admission place, decodes and preprocesses, runs the
 * model through its batcher with a deadline, postprocesses, and records its outcome once ({@link
 * InferenceRecorder}), whether it succeeded or failed.
 */
public final class InferenceService implements AutoCloseable {
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
  private final Admission admission;
  private final Ticker ticker;
  private final InferenceRecorder recorder;
  private final CpuWork cpu;
  private final ImageInference images;
  private final TensorInference tensors;

  /**
   * @param maxDecodedBytes the budget of decoded image bytes in flight
   */
  public InferenceService(
      ModelCatalogue catalogue,
      dev.argus.image.ImageDecoder decoder,
      int maxConcurrentPredictions,
      long maxDecodedBytes,
      Ticker ticker,
      InferenceRecorder recorder) {
    this.catalogue = catalogue;
    this.admission = new Admission(maxConcurrentPredictions);
    this.ticker = ticker;
    this.recorder = recorder;
    this.cpu = new CpuWork(Runtime.getRuntime().availableProcessors(), ticker);
    this.images =
        new ImageInference(
            new ImagePipeline(decoder), cpu, new MemoryBudget(maxDecodedBytes), ticker, recorder);
    this.tensors = new TensorInference(ticker, recorder);
  }

  /**
   * Classifies one encoded image.
   *
   * @param timeout how long the request may take from now; past it the answer is a timeout
   */
  public Classification classify(ImageRequest request, Duration timeout, RequestRecord record) {
    Deadline deadline = Deadline.after(ticker, timeout, Cancellation.NONE);
    PhaseClock clock = new PhaseClock(System.nanoTime(), Phase.DECODE);
    ServingModel model = null;
    String asked = request.model();
    try {
      asked = asked == null ? catalogue.defaultModelName() : asked;
      model = catalogue.acquire(asked, null);
      recorder.begin(record, model);
      if (request.topK() < 0 || request.topK() > MAX_TOP_K) {
        throw new ArgusException.InvalidInput(
            "top_k: " + request.topK() + " (expected: 1.." + MAX_TOP_K + ")");
      }
      try (Admission.Permit permit = admission.admit();
          Expectation expected = model.batcher().expect()) {
        clock.expecting(expected);
        return images.classify(model, request, deadline, clock, record);
      }
    } catch (RuntimeException | Error e) {
      throw failed(record, model, asked, clock, e);
    } finally {
      if (model != null) {
        model.release();
      }
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
    ServingModel model = null;
    try {
      model = catalogue.acquire(request.model(), request.version());
      recorder.begin(record, model);
      try (Admission.Permit permit = admission.admit();
          Expectation expected = model.batcher().expect()) {
        clock.expecting(expected);
        clock.next(Phase.PREPROCESS);
        return isImageRequest(model.model(), request.inputs())
            ? images.infer(model, request, deadline, clock, record)
            : tensors.infer(model, request, deadline, clock, record);
      }
    } catch (RuntimeException | Error e) {
      throw failed(record, model, request.model(), clock, e);
    } finally {
      if (model != null) {
        model.release();
      }
    }
  }

  /**
   * The refusal for a request that arrives when every admission place is taken, decided before the
   * transport reads its body: the cheapest answer to overload. The refusal is already recorded
   * (metrics, SLO, the request's record) like any other; the transport only writes it, without
   * throwing it through its error handling. A model that does not exist is left to the normal path
   * (404).
   *
   * @param model the model asked for, or null for the default one
   * @return the refusal to answer with, or empty when the request may go on
   */
  public Optional<ArgusException.QueueFull> refusalIfSaturated(String model, RequestRecord record) {
    if (!admission.saturated()) {
      return Optional.empty();
    }
    PhaseClock clock = new PhaseClock(System.nanoTime(), Phase.DECODE);
    ServingModel serving = null;
    try {
      serving = catalogue.ready(model == null ? catalogue.defaultModelName() : model).orElse(null);
    } catch (ArgusException e) {
      return Optional.empty();
    }
    if (serving == null) {
      return Optional.empty();
    }
    recorder.begin(record, serving);
    ArgusException.QueueFull refusal = admission.refusal();
    failed(record, serving, serving.name(), clock, refusal);
    return Optional.of(refusal);
  }

  /** Stops the CPU threads. */
  @Override
  public void close() {
    cpu.close();
  }

  /**
   * Records a failed request once and returns what to throw: the failure itself, or, when the heap
   * ran out, a refusal the client may retry (the request is shed, not blamed on the client).
   */
  private RuntimeException failed(
      RequestRecord record, ServingModel model, String asked, PhaseClock clock, Throwable e) {
    Throwable failure =
        e instanceof OutOfMemoryError
            ? new ArgusException.QueueFull(
                ArgusException.QueueFull.Limit.MEMORY,
                "server is out of memory (heap exhausted while serving this request); retry later",
                Admission.RETRY_AFTER)
            : e;
    InferenceOutcome outcome = InferenceOutcome.failure(clock, failure);
    if (model == null && failure instanceof ArgusException.ModelNotReady && asked != null) {
      // Known, but not serving (loading, failed, stalled): its failure counts under its name.
      String version = catalogue.status(asked).map(ModelCatalogue.Status::version).orElse("");
      recorder.recordNotServing(record, asked, version, outcome);
    } else {
      recorder.record(record, model, outcome);
    }
    if (failure instanceof RuntimeException r) {
      return r;
    }
    throw (Error) failure;
  }

  private static boolean isImageRequest(LoadedModel model, Map<String, Tensor> inputs) {
    return model.settings().isImageClassifier()
        && inputs.size() == 1
        && inputs.values().iterator().next().type() == DataType.BYTES;
  }
}
