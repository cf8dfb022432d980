package dev.argus.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;

/** The {@code memory} section: when to report memory pressure. */
public record MemoryConfig(
    double thresholdRatio,
    @JsonDeserialize(using = YamlBinder.ByteSizeDeserializer.class) long rssLimit,
    Duration checkInterval) {
  public MemoryConfig {
    Check.that(
        thresholdRatio > 0 && thresholdRatio <= 1, "threshold_ratio", thresholdRatio, "0..1");
    Check.that(rssLimit >= 0, "rss_limit", rssLimit, ">= 0, 0 for the cgroup limit");
    Check.that(
        checkInterval != null && checkInterval.compareTo(Duration.ofMillis(100)) >= 0,
        "check_interval",
        checkInterval,
        ">= 100ms");
  }
}
