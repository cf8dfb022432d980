package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The {@code limits} section: caps that protect the server's memory from one request. */
public record LimitsConfig(
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxRequestBytes,
    long maxImagePixels,
    int maxConcurrentPredictions,
    long maxTensorElements) {
  public LimitsConfig {
    Check.that(
        maxConcurrentPredictions >= 1,
        "max_concurrent_predictions",
        maxConcurrentPredictions,
        ">= 1");
    Check.that(maxRequestBytes > 0, "max_request_bytes", maxRequestBytes, "> 0");
    Check.that(maxImagePixels > 0, "max_image_pixels", maxImagePixels, "> 0");
    Check.that(maxTensorElements > 0, "max_tensor_elements", maxTensorElements, "> 0");
  }
}
