package dev.argus.transport.http;

/** What {@code GET /} and {@code GET /v2} report about the running server. */
public record ServerInfo(String name, String version, String runtime) {}
