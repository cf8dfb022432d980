package dev.argus.transport.http.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.batching.BatchSettings;
import dev.argus.config.BatchingConfig;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelSettings;
import dev.argus.model.TensorSpec;
import dev.argus.observe.DriftMonitor;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ServingModel;
import dev.argus.transport.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * The body of {@code GET /console/api/models}: per model its metadata (inputs and outputs with
 * datatypes and shapes), {@code model.yaml} as loaded with the batching it runs with, load and
 * warm-up time, file size, and drift per feature. Labels are counted, not listed.
 */
final class ModelsJson {
  private ModelsJson() {}

  static ObjectNode build(ConsoleHandlers.Sources sources) {
    ObjectNode body = Json.object();
    ArrayNode models = body.putArray("models");
    for (ModelCatalogue.Status s : sources.catalogue().statuses()) {
      ObjectNode m = models.addObject();
      m.put("name", s.name()).put("version", s.version()).put("state", s.state().label());
      m.put("reason", s.reason());
      Optional<ServingModel> serving = sources.catalogue().ready(s.name());
      serving.ifPresent(sm -> loaded(m, sm));
      m.set("drift", drift(sources.drift().report(s.name())));
    }
    return body;
  }

  private static void loaded(ObjectNode m, ServingModel sm) {
    LoadedModel model = sm.model();
    m.put("load_ms", model.loadTime().toNanos() / 1e6);
    m.put("warmup_ms", model.warmupTime().toNanos() / 1e6);
    long bytes;
    try {
      bytes = Files.size(model.sourceFile());
    } catch (IOException e) {
      bytes = -1; // the file went away after loading; the session still serves
    }
    m.put("file_bytes", bytes);
    m.put("labels", model.labels().size());
    m.set("inputs", tensors(model.model().metadata().inputs()));
    m.set("outputs", tensors(model.model().metadata().outputs()));
    m.set("config", settings(model.settings(), model.batching()));
    BatchSettings b = sm.batcher().settings();
    m.putObject("batching_effective")
        .put("max_batch_size", b.maxBatchSize())
        .put("max_queue_delay_ms", b.maxQueueDelay().toNanos() / 1e6)
        .put("queue_capacity", b.queueCapacity())
        .put("instances", b.instances());
  }

  private static ArrayNode tensors(List<TensorSpec> specs) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (TensorSpec t : specs) {
      ObjectNode o = list.addObject().put("name", t.name()).put("datatype", t.type().name());
      ArrayNode shape = o.putArray("shape");
      for (long d : t.shape().dims()) {
        shape.add(d);
      }
    }
    return list;
  }

  private static ObjectNode settings(ModelSettings s, BatchingConfig batching) {
    ObjectNode c = Json.object();
    c.put("kind", s.kind());
    c.put("labels", s.labels());
    c.put("input", s.input());
    c.putObject("output").put("name", s.output().name()).put("scores", s.output().scores());
    c.put("top_k", s.topK());
    ModelSettings.PreprocessingSettings p = s.preprocessing();
    if (p == null) {
      c.putNull("preprocessing");
    } else {
      ObjectNode pre = c.putObject("preprocessing").put("resize", p.resize());
      if (p.isStretch()) {
        pre.put("width", p.width()).put("height", p.height());
      } else {
        pre.put("shorter_side", p.shorterSide()).put("crop", p.crop());
      }
      ArrayNode mean = pre.putArray("mean");
      for (double v : p.mean()) {
        mean.add(v);
      }
      ArrayNode std = pre.putArray("std");
      for (double v : p.std()) {
        std.add(v);
      }
    }
    ObjectNode b = c.putObject("batching");
    b.put("max_batch_size", batching.maxBatchSize());
    b.put(
        "max_queue_delay_ms",
        batching.maxQueueDelay() == null ? null : batching.maxQueueDelay().toNanos() / 1e6);
    b.put("queue_capacity", batching.queueCapacity());
    b.put("instances", batching.instances());
    b.put("intra_op_threads", batching.intraOpThreads());
    b.put("allow_spinning", batching.allowSpinning());
    return c;
  }

  private static ObjectNode drift(Optional<DriftMonitor.Report> report) {
    ObjectNode d = Json.object();
    if (report.isEmpty()) {
      return d.put("enabled", false);
    }
    DriftMonitor.Report r = report.get();
    d.put("enabled", true);
    d.putObject("reference")
        .put("source", r.referenceSource())
        .put("size", r.referenceSize())
        .put("complete", r.referenceComplete());
    d.put("recent_size", r.recentSize());
    d.put("evaluated_at", r.evaluatedAt() == null ? null : r.evaluatedAt().toString());
    d.put("drift", r.features().stream().anyMatch(DriftMonitor.FeatureResult::detected));
    ArrayNode features = d.putArray("features");
    for (DriftMonitor.FeatureResult f : r.features()) {
      ObjectNode o = features.addObject().put("feature", f.feature()).put("test", f.test());
      OverviewJson.number(o, "score", f.score());
      OverviewJson.number(o, "p_value", f.pValue());
      if (f.psi() != null) {
        OverviewJson.number(o, "psi", f.psi());
      }
      o.put("detected", f.detected());
    }
    return d;
  }
}
