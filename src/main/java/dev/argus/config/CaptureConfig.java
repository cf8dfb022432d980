package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code capture} section: a bounded on-disk store of sampled inference requests (failed, slow
 * and a {@code ratio} of the rest) with their answers, for {@code argus replay}. Off by default.
 *
 * @param slowThreshold a request this slow or slower is captured; 0: the smallest latency
 *     objective's threshold from {@code slo.objectives} (1s when there is none)
 * @param headers the request headers kept (lower case); credentials are never kept even if listed
 */
public record CaptureConfig(
    boolean enabled,
    String dir,
    double ratio,
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxBytes,
    int maxFiles,
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long maxRequestBytes,
    Duration slowThreshold,
    List<String> headers) {
  public CaptureConfig {
    dir = dir == null ? "" : dir.trim();
    headers =
        headers == null
            ? List.of()
            : headers.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    Check.that(!enabled || !dir.isEmpty(), "dir", dir, "a directory when capture is enabled");
    Check.that(ratio >= 0 && ratio <= 1, "ratio", ratio, "0..1, e.g. 0.01");
    Check.that(maxBytes >= 64 * 1024, "max_bytes", maxBytes, ">= 64KiB");
    Check.that(maxFiles >= 1, "max_files", maxFiles, ">= 1");
    Check.that(
        maxRequestBytes >= 1024 && maxRequestBytes * 3 <= maxBytes,
        "max_request_bytes",
        maxRequestBytes,
        ">= 1KiB and at most a third of max_bytes (a captured request holds its body and its"
            + " answer)");
    Check.that(
        slowThreshold != null && !slowThreshold.isNegative(),
        "slow_threshold",
        slowThreshold,
        ">= 0 (0: the latency objective's threshold)");
    for (String h : headers) {
      Check.that(
          h.matches("[a-z0-9!#$%&'*+.^_`|~-]+"),
          "headers",
          h,
          "HTTP header names, e.g. user-agent");
    }
  }
}
