package dev.argus.config;

import java.time.Duration;

/**
 * The {@code server} section: where Argus listens, how it times requests and shutdown, and how long
 * it keeps reading ({@code lingering_*}) the rest of a body it refused, so the client gets the
 * answer instead of a reset connection.
 */
public record ServerConfig(
    String host,
    int port,
    Duration requestTimeout,
    Duration shutdownGrace,
    Duration drainDelay,
    Duration readTimeout,
    Duration bodyReadTimeout,
    Duration idleTimeout,
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(
            using = YamlBinder.ByteSizeDeserializer.class)
        long maxHeaderBytes,
    Duration lingeringTime,
    @com.fasterxml.jackson.databind.annotation.JsonDeserialize(
            using = YamlBinder.ByteSizeDeserializer.class)
        long lingeringBytes,
    int cpuWorkNice) {
  public ServerConfig {
    Check.that(host != null && !host.isBlank(), "host", host, "a host name or address");
    Check.that(port >= 0 && port <= 65535, "port", port, "0..65535, 0 for any free port");
    Check.that(
        requestTimeout != null && requestTimeout.isPositive(),
        "request_timeout",
        requestTimeout,
        "> 0");
    Check.that(
        shutdownGrace != null && !shutdownGrace.isNegative(),
        "shutdown_grace",
        shutdownGrace,
        ">= 0");
    Check.that(drainDelay != null && !drainDelay.isNegative(), "drain_delay", drainDelay, ">= 0");
    Check.that(
        readTimeout != null && readTimeout.toMillis() >= 100,
        "read_timeout",
        readTimeout,
        ">= 100ms");
    Check.that(
        bodyReadTimeout != null && bodyReadTimeout.toMillis() >= 100,
        "body_read_timeout",
        bodyReadTimeout,
        ">= 100ms");
    Check.that(
        idleTimeout != null && idleTimeout.toSeconds() >= 1, "idle_timeout", idleTimeout, ">= 1s");
    Check.that(
        maxHeaderBytes >= 1024 && maxHeaderBytes <= 1024 * 1024,
        "max_header_bytes",
        maxHeaderBytes,
        "1KiB..1MiB");
    Check.that(
        lingeringTime != null && !lingeringTime.isNegative(),
        "lingering_time",
        lingeringTime,
        ">= 0, 0 to close at once");
    Check.that(lingeringBytes >= 0, "lingering_bytes", lingeringBytes, ">= 0, 0 to close at once");
    Check.that(
        cpuWorkNice >= 0 && cpuWorkNice <= 19,
        "cpu_work_nice",
        cpuWorkNice,
        "0..19, 0 to leave compute threads at the process's priority");
  }
}
