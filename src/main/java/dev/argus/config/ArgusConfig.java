package dev.argus.config;

import java.util.Objects;

/** The whole server configuration, as read from {@code argus.yaml}, the environment and flags. */
public record ArgusConfig(
    ServerConfig server,
    GrpcConfig grpc,
    LimitsConfig limits,
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
    DriftConfig drift) {
  public ArgusConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(grpc, "grpc");
    Objects.requireNonNull(limits, "limits");
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
  }
}
