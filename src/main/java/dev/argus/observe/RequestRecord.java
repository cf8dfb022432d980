package dev.argus.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.Optional;

/**
 * Everything observed about one request, whatever its protocol: filled by the edge (identity,
 * route, status, sizes), by the inference recorder (model, outcome, phases, prediction) and by the
 * error mapping (error type and message). The server span gets each attribute as it is set; the
 * canonical log line is written from it once, when the request ends ({@link CanonicalLine}).
 *
 * <p>One request's record is used by the threads that handle that request, one at a time.
 */
public final class RequestRecord {
  /** The route of a request no endpoint matched. */
  public static final String UNMATCHED = "unmatched";

  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("argus.model");
  private static final AttributeKey<String> VERSION = AttributeKey.stringKey("argus.model_version");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("argus.outcome");
  private static final AttributeKey<Long> BATCH = AttributeKey.longKey("argus.batch_size");
  private static final AttributeKey<String> INPUT = AttributeKey.stringKey("argus.input_shape");
  private static final AttributeKey<String> OUTPUT = AttributeKey.stringKey("argus.output_shape");
  private static final AttributeKey<String> PREDICTION = AttributeKey.stringKey("argus.prediction");
  private static final AttributeKey<Double> CONFIDENCE = AttributeKey.doubleKey("argus.confidence");

  private final String requestId;
  private final String protocol;
  private final long startNanos;
  private final Span span;

  private String method = "";
  private String route = UNMATCHED;
  private int status;
  private long bytesIn = -1;
  private long bytesOut;
  private String clientAddress = "";
  private String requestPayload;
  private String responsePayload;
  private byte[] requestBody;
  private byte[] responseBody;
  private String errorType;
  private String errorMessage;
  private Throwable error;
  private boolean serverFault;

  private String model;
  private String version;
  private String outcome;
  private PhaseTimings timings;
  private int batchSize;
  private String inputShape;
  private String outputShape;
  private String prediction;
  private double confidence = Double.NaN;

  private RequestRecord(String requestId, String protocol, long startNanos, Span span) {
    this.requestId = requestId;
    this.protocol = protocol;
    this.startNanos = startNanos;
    this.span = span;
  }

  /**
   * A request that arrived at {@code startNanos} ({@link System#nanoTime()}) over {@code protocol}
   * ({@code http}, {@code grpc}), traced by {@code span} (invalid when tracing is off).
   */
  public static RequestRecord start(String requestId, String protocol, long startNanos, Span span) {
    return new RequestRecord(requestId, protocol, startNanos, span);
  }

  /** A request made inside the server (e.g. {@code argus drift baseline}): no span, no edge. */
  public static RequestRecord internal(String requestId) {
    return new RequestRecord(requestId, "internal", System.nanoTime(), Span.getInvalid());
  }

  public String requestId() {
    return requestId;
  }

  public String protocol() {
    return protocol;
  }

  public long startNanos() {
    return startNanos;
  }

  /** The request's server span (invalid when tracing is off or the record is internal). */
  public Span span() {
    return span;
  }

  // --- the edge -------------------------------------------------------------------------------

  public void method(String method) {
    this.method = method;
  }

  public String method() {
    return method;
  }

  /** The route template ({@code /predict/{model}}) or RPC name; never a raw path. */
  public void route(String route) {
    this.route = route;
  }

  public String route() {
    return route;
  }

  /** The protocol's status: an HTTP status code, or a gRPC status code. */
  public void status(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  public void bytesIn(long bytes) {
    this.bytesIn = bytes;
  }

  /** Bytes of the request body received, or -1 when it was not read. */
  public long bytesIn() {
    return bytesIn;
  }

  public void bytesOut(long bytes) {
    this.bytesOut = bytes;
  }

  public long bytesOut() {
    return bytesOut;
  }

  public void clientAddress(String address) {
    this.clientAddress = address;
  }

  public String clientAddress() {
    return clientAddress;
  }

  /** The request body as the canonical line may show it (only with payload logging on). */
  public void requestPayload(String payload) {
    this.requestPayload = payload;
  }

  public Optional<String> requestPayload() {
    return Optional.ofNullable(requestPayload);
  }

  public void responsePayload(String payload) {
    this.responsePayload = payload;
  }

  public Optional<String> responsePayload() {
    return Optional.ofNullable(responsePayload);
  }

  /**
   * The request body as read (decoded, when it came compressed), kept by reference for request
   * capture; the reader must not change it. Holding it costs nothing: the request holds it anyway.
   */
  public void requestBody(byte[] body) {
    this.requestBody = body;
  }

  public Optional<byte[]> requestBody() {
    return Optional.ofNullable(requestBody);
  }

  /** The answer's body as sent, by reference, for request capture. */
  public void responseBody(byte[] body) {
    this.responseBody = body;
  }

  public Optional<byte[]> responseBody() {
    return Optional.ofNullable(responseBody);
  }

  /**
   * The request failed: a stable {@code error_type}, the message the client got, the cause, and
   * whether the server is at fault (a 5xx, not the client's doing).
   */
  public void failure(String errorType, String message, Throwable error, boolean serverFault) {
    this.errorType = errorType;
    this.errorMessage = message;
    this.error = error;
    this.serverFault = serverFault;
  }

  /** True when the request failed through no fault of the client's. */
  public boolean serverFault() {
    return serverFault;
  }

  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  public String errorMessage() {
    return errorMessage == null ? "" : errorMessage;
  }

  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  // --- inference ------------------------------------------------------------------------------

  /** The model that served (or refused) the request. */
  public void model(String model, String version) {
    this.model = model;
    this.version = version;
    if (span.isRecording()) {
      span.setAttribute(MODEL, model);
      span.setAttribute(VERSION, version);
    }
  }

  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  public String version() {
    return version == null ? "" : version;
  }

  /** How the inference ended ({@code success}, {@code timeout}, ...) and its phase times. */
  public void outcome(String outcome, PhaseTimings timings) {
    this.outcome = outcome;
    this.timings = timings;
    if (span.isRecording()) {
      span.setAttribute(OUTCOME, outcome);
    }
  }

  public Optional<String> outcome() {
    return Optional.ofNullable(outcome);
  }

  public Optional<PhaseTimings> timings() {
    return Optional.ofNullable(timings);
  }

  /** What ran: requests in the batch, and the shapes of the model's input and output. */
  public void result(int batchSize, String inputShape, String outputShape) {
    this.batchSize = batchSize;
    this.inputShape = inputShape;
    this.outputShape = outputShape;
    if (span.isRecording()) {
      span.setAttribute(BATCH, (long) batchSize);
      span.setAttribute(INPUT, inputShape);
      span.setAttribute(OUTPUT, outputShape);
    }
  }

  public int batchSize() {
    return batchSize;
  }

  public String inputShape() {
    return inputShape == null ? "" : inputShape;
  }

  public String outputShape() {
    return outputShape == null ? "" : outputShape;
  }

  /** A classifier's top-1 class and its confidence. */
  public void prediction(String label, double confidence) {
    this.prediction = label;
    this.confidence = confidence;
    if (span.isRecording()) {
      span.setAttribute(PREDICTION, label);
      span.setAttribute(CONFIDENCE, confidence);
    }
  }

  public Optional<String> prediction() {
    return Optional.ofNullable(prediction);
  }

  /** The top-1 confidence, NaN when there is no prediction. */
  public double confidence() {
    return confidence;
  }
}
