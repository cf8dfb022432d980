package dev.argus.transport.http.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.config.ConsoleConfig;
import dev.argus.observe.Phase;
import dev.argus.observe.PhaseTimings;
import dev.argus.observe.RecentRequest;
import dev.argus.transport.http.Json;
import java.time.Instant;
import java.util.List;

/** The bodies of {@code GET /console/api/requests} and {@code /console/api/requests/{id}}. */
final class RequestsJson {
  private RequestsJson() {}

  static ObjectNode list(List<RecentRequest> entries, ConsoleConfig config) {
    ObjectNode body = Json.object();
    ArrayNode list = body.putArray("requests");
    for (RecentRequest e : entries) {
      list.add(entry(e, config));
    }
    return body;
  }

  static ObjectNode one(RecentRequest e, ConsoleConfig config) {
    ObjectNode body = Json.object();
    body.set("request", entry(e, config));
    return body;
  }

  /** One entry: never a payload, never the client's address. */
  static ObjectNode entry(RecentRequest e, ConsoleConfig config) {
    ObjectNode o = Json.object();
    o.put("sequence", e.sequence());
    o.put("time", Instant.ofEpochMilli(e.epochMillis()).toString());
    o.put("kind", e.kind());
    o.put("request_id", e.requestId());
    o.put("trace_id", e.traceId());
    o.put("trace_sampled", e.sampled());
    String link = e.sampled() ? config.traceLink(e.traceId()).orElse(null) : null;
    o.put("trace_url", link);
    o.put("protocol", e.protocol());
    o.put("method", e.method());
    o.put("route", e.route());
    o.put("status", e.status());
    o.put("model", e.model());
    o.put("version", e.version());
    o.put("outcome", e.outcome());
    o.put("error_type", e.errorType());
    o.put("error", e.error());
    o.put("server_fault", e.serverFault());
    o.put("duration_ms", round(e.durationNanos() / 1e6));
    e.timings()
        .ifPresentOrElse(
            t -> {
              o.put("server_ms", round(t.totalNanos() / 1e6));
              o.set("phases_ms", phases(t));
            },
            () -> {
              o.putNull("server_ms");
              o.putNull("phases_ms");
            });
    o.put("batch_size", e.batchSize());
    return o;
  }

  private static ObjectNode phases(PhaseTimings t) {
    ObjectNode p = Json.object();
    for (Phase phase : Phase.values()) {
      p.put(phase.label(), round(t.nanos(phase) / 1e6));
    }
    return p;
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
