package dev.argus.transport.http.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.batching.BatchSettings;
import dev.argus.config.ConsoleConfig;
import dev.argus.health.HealthService;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.LiveStats;
import dev.argus.observe.MemoryMonitor;
import dev.argus.observe.SloTracker;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ServingModel;
import dev.argus.transport.http.Endpoint.Access;
import dev.argus.transport.http.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** The body of {@code GET /console/api/overview}. */
final class OverviewJson {
  /** The windows of the live figures, by their labels. */
  static final Map<String, Integer> WINDOWS = Map.of("1m", 60, "5m", 300, "15m", 900);

  private static final String[] WINDOW_ORDER = {"1m", "5m", "15m"};

  private final ConsoleHandlers.Sources sources;
  private final ConsoleConfig config;
  private final boolean adminToken;
  private final boolean adminApart;
  private final Instant started;
  private final Access pageAccess;

  OverviewJson(
      ConsoleHandlers.Sources sources,
      ConsoleConfig config,
      boolean adminToken,
      boolean adminApart,
      Instant started,
      Access pageAccess) {
    this.sources = sources;
    this.config = config;
    this.adminToken = adminToken;
    this.adminApart = adminApart;
    this.started = started;
    this.pageAccess = pageAccess;
  }

  /**
   * @param seriesSeconds seconds of per-second points per model for the charts (fewer while the
   *     server has run less long), 0 for none
   */
  ObjectNode build(int seriesSeconds) {
    ObjectNode body = Json.object();
    body.put("service", sources.info().name());
    body.put("version", sources.info().version());
    body.put("runtime", sources.info().runtime());
    Instant now = Instant.now();
    body.put("time", now.toString());
    body.put("started_at", started.toString());
    body.put("uptime_seconds", Duration.between(started, now).toMillis() / 1000.0);
    HealthService.Report ready = sources.health().readiness();
    body.put("ready", ready.up());
    ArrayNode checks = body.putArray("readiness");
    for (HealthService.Check c : ready.checks()) {
      checks.addObject().put("name", c.name()).put("ok", c.ok()).put("detail", c.detail());
    }
    ArrayNode reasons = body.putArray("reasons");
    ready.reasons().forEach(reasons::add);
    body.set("console", consoleSettings());
    body.set("memory", memory());
    ArrayNode models = body.putArray("models");
    for (ModelCatalogue.Status s : sources.catalogue().statuses()) {
      models.add(model(s, seriesSeconds));
    }
    return body;
  }

  private ObjectNode consoleSettings() {
    ObjectNode c = Json.object();
    if (config.traceUrl().isEmpty()) {
      c.putNull("trace_url");
    } else {
      c.put("trace_url", config.traceUrl());
    }
    c.put("require_token", config.requireToken());
    // Load and unload are the repository endpoints, which need the token and this origin.
    boolean here = !adminApart || pageAccess == Access.ADMIN_PAGE;
    c.put("admin_actions", adminToken && here);
    c.put(
        "admin_note",
        !adminToken
            ? "load and unload need admin.token (or admin.token_file)"
            : here
                ? "load and unload need the admin token"
                : "admin endpoints are on admin.port; with console.require_token the console is"
                    + " served there, with load and unload");
    c.put("slow_ring_capacity", dev.argus.observe.RecentRequests.CAPACITY);
    return c;
  }

  private ObjectNode memory() {
    MemoryMonitor.Reading process = MemoryMonitor.readProcess(sources.rssLimit());
    return Json.object()
        .put("heap_used_bytes", process.heapUsed())
        .put("heap_max_bytes", process.heapMax())
        .put("resident_bytes", process.rss())
        .put("resident_limit_bytes", process.rssLimit());
  }

  private ObjectNode model(ModelCatalogue.Status s, int seriesSeconds) {
    ObjectNode m = Json.object();
    m.put("name", s.name()).put("version", s.version()).put("state", s.state().label());
    m.put("reason", s.reason());
    Optional<ServingModel> serving = sources.catalogue().ready(s.name());
    if (serving.isPresent()) {
      BatchSettings b = serving.get().batcher().settings();
      m.put("queue_depth", serving.get().batcher().queueDepth());
      m.put("queue_capacity", b.queueCapacity());
      m.put("max_batch_size", b.maxBatchSize());
    } else {
      m.putNull("queue_depth");
    }
    long slow = sources.recent().slowNanos(s.name());
    number(m, "slow_threshold_ms", slow == Long.MAX_VALUE ? Double.NaN : slow / 1e6);
    ObjectNode windows = m.putObject("windows");
    for (String label : WINDOW_ORDER) {
      windows.set(label, window(sources.live().window(s.name(), WINDOWS.get(label))));
    }
    ArrayNode slos = m.putArray("slo");
    for (SloTracker.Status o : sources.slo().statuses()) {
      if (o.objective().covers(s.name())) {
        ObjectNode j = slos.addObject();
        j.put("name", o.objective().name());
        j.put("type", o.objective().type());
        j.put("scope", o.objective().model());
        j.put("status", o.status());
        number(j, "budget_remaining_ratio", o.budgetRemainingRatio());
        ObjectNode burn = j.putObject("burn_rate");
        number(burn, "5m", o.burnRate().getOrDefault("5m", Double.NaN));
        number(burn, "1h", o.burnRate().getOrDefault("1h", Double.NaN));
      }
    }
    m.set("drift", drift(s.name()));
    if (seriesSeconds > 0) {
      // A young server's charts span the time it has run, not minutes of nothing.
      long ran = Math.max(1, Duration.between(started, Instant.now()).toSeconds());
      int seconds = (int) Math.min(seriesSeconds, ran);
      m.set("series", series(sources.live().series(s.name(), seconds)));
    }
    return m;
  }

  private static ObjectNode window(LiveStats.Window w) {
    ObjectNode o = Json.object();
    o.put("seconds", w.seconds());
    o.put("requests", w.requests());
    o.put("server_errors", w.serverErrors());
    o.put("client_errors", w.clientErrors());
    number(o, "rate_per_second", w.ratePerSecond());
    number(o, "error_ratio", w.errorRatio());
    number(o, "client_error_ratio", w.clientErrorRatio());
    number(o, "p50_ms", w.p50Millis());
    number(o, "p95_ms", w.p95Millis());
    number(o, "p99_ms", w.p99Millis());
    number(o, "mean_batch_size", w.meanBatchSize());
    return o;
  }

  private ObjectNode drift(String model) {
    ObjectNode d = Json.object();
    if (!sources.drift().enabled()) {
      return d.put("state", "off");
    }
    Optional<DriftMonitor.Report> report = sources.drift().report(model);
    if (report.isEmpty()) {
      return d.put("state", "off");
    }
    DriftMonitor.Report r = report.get();
    ArrayNode inDrift = d.putArray("in_drift");
    r.features().stream()
        .filter(DriftMonitor.FeatureResult::detected)
        .forEach(f -> inDrift.add(f.feature()));
    d.put("state", r.evaluatedAt() == null ? "waiting" : inDrift.isEmpty() ? "ok" : "drift");
    d.put("evaluated_at", r.evaluatedAt() == null ? null : r.evaluatedAt().toString());
    d.put("recent_size", r.recentSize());
    d.put("reference_complete", r.referenceComplete());
    return d;
  }

  private static ObjectNode series(LiveStats.Series s) {
    ObjectNode o = Json.object();
    o.put("first_epoch_second", s.firstEpochSecond());
    o.put("step_seconds", 1);
    ArrayNode requests = o.putArray("requests");
    for (long v : s.requests()) {
      requests.add(v);
    }
    ArrayNode errors = o.putArray("errors");
    for (long v : s.errors()) {
      errors.add(v);
    }
    ArrayNode p99 = o.putArray("p99_ms");
    for (double v : s.p99Millis()) {
      if (Double.isFinite(v)) {
        p99.add(Math.round(v * 1000) / 1000.0);
      } else {
        p99.addNull();
      }
    }
    return o;
  }

  /** JSON has no NaN: a figure that does not exist (no requests yet) is null. */
  static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }
}
