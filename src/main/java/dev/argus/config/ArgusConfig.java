package dev.argus.config;

import java.util.Objects;

/** The whole server configuration, as read from {@code argus.yaml}, the environment and flags. */
public record ArgusConfig(
    ServerConfig server,
    GrpcConfig grpc,
    LimitsConfig limits,
    ImagesConfig images,
    ModelsConfig models,
    BatchingConfig batching,
    MetricsConfig metrics,
    MemoryConfig memory,
    TracingConfig tracing,
    LoggingConfig logging,
    AdminConfig admin,
    CorsConfig cors,
    RateLimitConfig rateLimit,
    TlsConfig tls,
    SloConfig slo,
    DriftConfig drift,
    ConsoleConfig console,
    CaptureConfig capture) {
  public ArgusConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(tracing, "tracing");
    Objects.requireNonNull(logging, "logging");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(cors, "cors");
    Objects.requireNonNull(rateLimit, "rate_limit");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(drift, "drift");
    Objects.requireNonNull(console, "console");
    Objects.requireNonNull(capture, "capture");
    // tracing.tail.latency_threshold left empty follows the latency objective.
    tracing =
        tracing.withTail(
            tracing
                .tail()
                .withDefaultThreshold(
                    slo.latencyThreshold().orElse(TailSamplingConfig.FALLBACK_THRESHOLD)));
    Check.that(
        !console.requireToken() || !admin.token().isEmpty() || !admin.tokenFile().isEmpty(),
        "console.require_token",
        true,
        "false unless admin.token or admin.token_file is set: the console's data would be"
            + " behind a token that does not exist");
  }
}
