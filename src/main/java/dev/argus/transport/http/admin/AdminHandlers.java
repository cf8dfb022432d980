package dev.argus.transport.http.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.observe.LogSetup;
import dev.argus.service.ArgusException;
import dev.argus.service.ModelCatalogue;
import dev.argus.transport.http.Bodies;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.HttpEdge;
import dev.argus.transport.http.Json;
import dev.argus.transport.http.Payloads;
import dev.argus.transport.http.Responses;
import dev.argus.transport.http.Routes;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin endpoints for logging and memory; the admin token stands in front of each. */
public final class AdminHandlers implements Routes {
  private final ModelCatalogue catalogue;
  private final long rssLimit;

  public AdminHandlers(ModelCatalogue catalogue, long rssLimit) {
    this.catalogue = catalogue;
    this.rssLimit = rssLimit;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.admin(Method.GET, "/admin/logging", "Log levels now (admin token)", this::logging),
        Endpoint.admin(
            Method.PUT,
            "/admin/logging",
            "Change a log level at run time (admin token)",
            this::setLogging),
        Endpoint.admin(
            Method.GET,
            "/admin/memory",
            "Heap, non-heap, buffers, resident memory and model sizes (admin token)",
            this::memory));
  }

  /**
   * {@code GET /admin/memory}: heap, non-heap, direct buffers, resident memory and its limit, and
   * each loaded model's file size (a lower bound of its session: ONNX Runtime's native memory is
   * only visible in the resident size).
   */
  private void memory(ServerRequest req, ServerResponse res) {
    var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    var reading = dev.argus.observe.MemoryMonitor.readProcess(rssLimit);
    ObjectNode body = Json.object();
    ObjectNode heap = body.putObject("heap");
    heap.put("used_bytes", memory.getHeapMemoryUsage().getUsed());
    heap.put("committed_bytes", memory.getHeapMemoryUsage().getCommitted());
    heap.put("max_bytes", memory.getHeapMemoryUsage().getMax());
    body.putObject("non_heap").put("used_bytes", memory.getNonHeapMemoryUsage().getUsed());
    com.fasterxml.jackson.databind.node.ArrayNode buffers = body.putArray("buffer_pools");
    for (var pool :
        java.lang.management.ManagementFactory.getPlatformMXBeans(
            java.lang.management.BufferPoolMXBean.class)) {
      buffers.addObject().put("name", pool.getName()).put("used_bytes", pool.getMemoryUsed());
    }
    body.putObject("process")
        .put("resident_bytes", reading.rss())
        .put("resident_limit_bytes", reading.rssLimit());
    com.fasterxml.jackson.databind.node.ArrayNode models = body.putArray("models");
    for (var m : catalogue.footprints()) {
      models
          .addObject()
          .put("name", m.name())
          .put("version", m.version())
          .put("file_bytes", m.fileBytes());
    }
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  private static final Logger log = LoggerFactory.getLogger(AdminHandlers.class);
  private static final long MAX_BODY = 4096;
  private static final String ROOT = org.slf4j.Logger.ROOT_LOGGER_NAME;

  /** {@code GET /admin/logging}: the effective levels of the root and Argus loggers. */
  private void logging(ServerRequest req, ServerResponse res) {
    ObjectNode body = Json.object();
    body.put("level", LogSetup.level(ROOT));
    body.putObject("loggers")
        .put("dev.argus", LogSetup.level("dev.argus"))
        .put("dev.argus.access", LogSetup.level("dev.argus.access"));
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }

  /**
   * {@code PUT /admin/logging} with {@code {"level": "DEBUG"}} and optionally {@code "logger":
   * "dev.argus.batching"} (default: the root): changes the level until restart.
   */
  private void setLogging(ServerRequest req, ServerResponse res) {
    byte[] raw = Bodies.read(req, MAX_BODY);
    Payloads.requestText(req, raw);
    JsonNode json = Json.parse(raw);
    JsonNode level = json.get("level");
    if (!json.isObject() || level == null || !level.isTextual()) {
      throw new ArgusException.InvalidInput(
          "body: expected {\"level\": \"DEBUG\"} with one of " + LogSetup.LEVELS);
    }
    JsonNode loggerNode = json.get("logger");
    String logger = loggerNode == null || loggerNode.isNull() ? ROOT : loggerNode.asText().trim();
    if (logger.isEmpty() || logger.length() > 200 || !logger.matches("[A-Za-z0-9_.$]+")) {
      throw new ArgusException.InvalidInput(
          "logger: '" + logger + "' (expected: a logger name such as dev.argus.batching)");
    }
    String wanted = level.asText().trim().toUpperCase(Locale.ROOT);
    String before;
    try {
      before = LogSetup.setLevel(logger, wanted);
    } catch (IllegalArgumentException e) {
      throw new ArgusException.InvalidInput(e.getMessage(), e);
    }
    log.warn("log level of {} changed from {} to {} by an admin request", logger, before, wanted);
    ObjectNode body = Json.object();
    body.put("logger", logger);
    body.put("level", wanted);
    body.put("previous_level", before);
    body.put("request_id", HttpEdge.requestId(req));
    Responses.json(req, res, 200, body);
  }
}
