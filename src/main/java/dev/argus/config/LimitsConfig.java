package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The {@code limits} section: caps that protect the server's memory from one request. */
public record LimitsConfig(
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxRequestBytes,
    long maxImagePixels) {
  public LimitsConfig {
    Check.that(maxRequestBytes > 0, "max_request_bytes", maxRequestBytes, "> 0");
    Check.that(maxImagePixels > 0, "max_image_pixels", maxImagePixels, "> 0");
  }
}
