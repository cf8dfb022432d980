package dev.argus.observe.capture;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One captured request and the summary of its answer, as {@link CaptureFormat} writes it to a file
 * of its own and reads it back for {@code argus replay}.
 *
 * @param timeMillis when the request arrived (epoch milliseconds)
 * @param traceId the request's trace id, empty when it was not traced
 * @param reason why it was captured: {@code failed}, {@code slow} or {@code sampled}
 * @param path the path and query the client sent, e.g. {@code /v2/models/m/infer}
 * @param route the route template, e.g. {@code /v2/models/{model}/infer}
 * @param headers the allow-listed request headers, lower-case names
 */
public record CapturedRequest(
    long timeMillis,
    String requestId,
    String traceId,
    String protocol,
    String reason,
    String method,
    String path,
    String route,
    String model,
    String version,
    Map<String, String> headers,
    Body body,
    Response response) {
  public CapturedRequest {
    headers = Map.copyOf(headers);
  }

  /**
   * The answer.
   *
   * @param outcome the inference outcome ({@code success}, {@code invalid_input}, ...), or the
   *     error type when the request failed before any model ({@code payload_too_large}), or {@code
   *     success}
   * @param prediction a classifier's top-1 label, empty otherwise
   * @param confidence its confidence, NaN without one
   * @param durationMs arrival to the end of the answer, as the server measured it
   * @param phasesMs the inference phases that ran (decode, preprocess, queue, compute, postprocess)
   */
  public record Response(
      int status,
      String outcome,
      String errorType,
      String errorMessage,
      Map<String, String> headers,
      Body body,
      String prediction,
      double confidence,
      double durationMs,
      Map<String, Double> phasesMs,
      int batchSize) {
    public Response {
      headers = Map.copyOf(headers);
      phasesMs = Map.copyOf(phasesMs);
    }

    /** The value of the answer's header {@code name} (lower case). */
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }
  }

  /**
   * A body: the first {@code stored} bytes of {@code data} are kept, of {@code size} sent.
   *
   * @param data holds at least {@code stored} bytes; only those are written
   */
  public record Body(byte[] data, int stored, long size) {
    public static final Body EMPTY = new Body(new byte[0], 0, 0);

    public Body {
      if (stored < 0 || stored > data.length || size < stored) {
        throw new IllegalArgumentException(
            "stored: " + stored + " (expected: 0.." + data.length + " and <= size " + size + ")");
      }
    }

    /** The first {@code cap} bytes of {@code body}: copied only when the body is longer. */
    public static Body of(byte[] body, int cap) {
      if (body.length <= cap) {
        return new Body(body, body.length, body.length);
      }
      return new Body(Arrays.copyOf(body, cap), cap, body.length);
    }

    /** True when only part of the body was kept. */
    public boolean truncated() {
      return size > stored;
    }

    /** The bytes kept. */
    public byte[] bytes() {
      return stored == data.length ? data : Arrays.copyOf(data, stored);
    }
  }

  /** The value of request header {@code name} (lower case). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }
}
