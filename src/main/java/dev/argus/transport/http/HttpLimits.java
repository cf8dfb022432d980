package dev.argus.transport.http;

import dev.argus.config.ServerConfig;
import io.helidon.webserver.http.ServerRequest;

/**
 * The per-listener bounds every request is read and refused under, in the request context: how long
 * its body may take ({@code server.body_read_timeout}) and how long one read may wait ({@code
 * server.read_timeout}), how much of a refused body is drained before closing ({@code
 * server.lingering_*}), and how much of a body the canonical line shows (-1: payloads are not
 * logged).
 */
record HttpLimits(
    long bodyTimeoutNanos,
    long readTimeoutNanos,
    long lingeringBytes,
    long lingeringNanos,
    int payloadLimit) {

  static HttpLimits of(ServerConfig server, int payloadLimit) {
    return new HttpLimits(
        server.bodyReadTimeout().toNanos(),
        server.readTimeout().toNanos(),
        server.lingeringBytes(),
        server.lingeringTime().toNanos(),
        payloadLimit);
  }

  /** The limits of the request's listener (every request passes the edge, which sets them). */
  static HttpLimits of(ServerRequest req) {
    return req.context().get(HttpLimits.class, HttpLimits.class).orElseThrow();
  }
}
