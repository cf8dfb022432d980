package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The {@code limits} section: caps that protect the server's memory from one request and from many
 * together ({@code max_decoded_bytes}: 0 derives it from the heap).
 */
public record LimitsConfig(
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxRequestBytes,
    long maxImagePixels,
    int maxConcurrentPredictions,
    long maxTensorElements,
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxDecodedBytes) {
  /** Of the heap, the share that decoded images in flight may take when none is configured. */
  public static final double DEFAULT_DECODED_SHARE = 0.5;

  public LimitsConfig {
    Check.that(
        maxConcurrentPredictions >= 1,
        "max_concurrent_predictions",
        maxConcurrentPredictions,
        ">= 1");
    Check.that(maxRequestBytes > 0, "max_request_bytes", maxRequestBytes, "> 0");
    Check.that(maxImagePixels > 0, "max_image_pixels", maxImagePixels, "> 0");
    Check.that(maxTensorElements > 0, "max_tensor_elements", maxTensorElements, "> 0");
    Check.that(
        maxDecodedBytes >= 0, "max_decoded_bytes", maxDecodedBytes, ">= 0, 0 for half the heap");
  }

  /** The budget of decoded image bytes in flight: the setting, or half of {@code maxHeap}. */
  public long decodedBytesBudget(long maxHeap) {
    return maxDecodedBytes > 0 ? maxDecodedBytes : (long) (maxHeap * DEFAULT_DECODED_SHARE);
  }
}
