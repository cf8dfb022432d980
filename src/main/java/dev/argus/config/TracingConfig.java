package dev.argus.config;

import java.time.Duration;
import java.util.Set;

/**
 * The {@code tracing} section. These keys are defaults for OpenTelemetry's own autoconfiguration:
 * the standard {@code OTEL_*} variables (and {@code otel.*} system properties) override them.
 */
public record TracingConfig(
    boolean enabled,
    String serviceName,
    String environment,
    String endpoint,
    String protocol,
    String sampler,
    double samplerArg,
    Duration exportTimeout,
    boolean phaseSpans,
    int queueSize,
    int exportBatchSize,
    Duration scheduleDelay,
    TailSamplingConfig tail) {
  private static final Set<String> PROTOCOLS = Set.of("http/protobuf", "grpc");

  public TracingConfig {
    tail = tail == null ? TailSamplingConfig.disabled() : tail;
    serviceName = serviceName == null ? "argus" : serviceName.trim();
    environment = environment == null ? "" : environment.trim();
    endpoint = endpoint == null ? "" : endpoint.trim();
    Check.that(!serviceName.isEmpty(), "service_name", serviceName, "a non-empty name");
    Check.that(PROTOCOLS.contains(protocol), "protocol", protocol, "http/protobuf or grpc");
    Check.that(
        sampler != null && !sampler.isBlank(), "sampler", sampler, "an OpenTelemetry sampler name");
    Check.that(samplerArg >= 0 && samplerArg <= 1, "sampler_arg", samplerArg, "0..1");
    Check.that(
        exportTimeout != null && exportTimeout.toMillis() >= 1,
        "export_timeout",
        exportTimeout,
        ">= 1ms");
    Check.that(queueSize >= 1, "queue_size", queueSize, ">= 1");
    Check.that(
        exportBatchSize >= 1 && exportBatchSize <= queueSize,
        "export_batch_size",
        exportBatchSize,
        "1..queue_size");
    Check.that(
        scheduleDelay != null && scheduleDelay.toMillis() >= 1,
        "schedule_delay",
        scheduleDelay,
        ">= 1ms");
  }

  /** Tracing with the shipped span processor sizes, phases as events, no tail sampling. */
  public TracingConfig(
      boolean enabled,
      String serviceName,
      String environment,
      String endpoint,
      String protocol,
      String sampler,
      double samplerArg,
      Duration exportTimeout) {
    this(
        enabled,
        serviceName,
        environment,
        endpoint,
        protocol,
        sampler,
        samplerArg,
        exportTimeout,
        false,
        16384,
        2048,
        Duration.ofSeconds(1),
        TailSamplingConfig.disabled());
  }

  /** This config with {@code tail} as its tail sampling. */
  public TracingConfig withTail(TailSamplingConfig tail) {
    return new TracingConfig(
        enabled,
        serviceName,
        environment,
        endpoint,
        protocol,
        sampler,
        samplerArg,
        exportTimeout,
        phaseSpans,
        queueSize,
        exportBatchSize,
        scheduleDelay,
        tail);
  }
}
