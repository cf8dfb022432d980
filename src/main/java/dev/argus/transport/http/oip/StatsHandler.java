package dev.argus.transport.http.oip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.batching.BatchStats;
import dev.argus.service.ArgusException;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.transport.http.Endpoint;
import dev.argus.transport.http.Json;
import dev.argus.transport.http.Responses;
import dev.argus.transport.http.Routes;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code GET /v2/models/{model}/stats} in Triton's shape ({@code model_stats}, {@code
 * last_inference}, {@code inference_count}, {@code execution_count}, {@code inference_stats},
 * {@code batch_stats}) with real counts and durations, from the same outcomes the metrics count,
 * plus Argus's refusal and queue figures. Request figures are per model version; batch figures
 * start when the version's batcher starts.
 */
public final class StatsHandler implements Routes {
  private final ModelCatalogue catalogue;
  private final InferenceStatistics statistics;

  public StatsHandler(ModelCatalogue catalogue, InferenceStatistics statistics) {
    this.catalogue = catalogue;
    this.statistics = statistics;
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open(
            Method.GET,
            "/v2/models/{model}/stats",
            "Triton-style statistics of a model: counts, cumulative times, batch sizes",
            this::handle));
  }

  private void handle(ServerRequest req, ServerResponse res) {
    String name = OipHandlers.model(req);
    ModelCatalogue.Status state =
        catalogue.status(name).orElseThrow(() -> ArgusException.NotFound.model(name));
    InferenceStatistics.Snapshot r = statistics.snapshot(name, state.version());
    BatchStats b = catalogue.stats(name);
    ObjectNode body = Json.object();
    ObjectNode m = body.putArray("model_stats").addObject();
    m.put("name", state.name()).put("version", state.version()).put("state", state.state().label());
    m.put("last_inference", r.lastInferenceMillis());
    m.put("inference_count", r.success().count());
    m.put("execution_count", b.batches());
    ObjectNode stats = m.putObject("inference_stats");
    duration(stats, "success", r.success());
    duration(stats, "fail", r.fail());
    duration(stats, "queue", r.queue());
    duration(stats, "compute_input", r.computeInput());
    duration(stats, "compute_infer", r.computeInfer());
    duration(stats, "compute_output", r.computeOutput());
    ArrayNode sizes = m.putArray("batch_stats");
    long[] counts = b.batchSizeCounts();
    for (int size = 1; size < counts.length; size++) {
      if (counts[size] > 0) {
        ObjectNode e = sizes.addObject().put("batch_size", size);
        duration(e, "compute_input", counts[size], b.batchSizeInputNanos()[size]);
        duration(e, "compute_infer", counts[size], b.batchSizeInferNanos()[size]);
        duration(e, "compute_output", counts[size], b.batchSizeOutputNanos()[size]);
      }
    }
    m.put("rejected_count", r.rejected());
    m.put("expired_count", b.expiredRequests());
    m.put("cancelled_count", b.cancelledRequests());
    m.put("worker_restarts", b.workerRestarts());
    m.put("queue_depth", b.queueDepth());
    m.put("queue_capacity", b.queueCapacity());
    Responses.json(req, res, 200, body);
  }

  private static void duration(ObjectNode parent, String name, InferenceStatistics.Duration d) {
    duration(parent, name, d.count(), d.ns());
  }

  private static void duration(ObjectNode parent, String name, long count, long nanos) {
    parent.putObject(name).put("count", count).put("ns", nanos);
  }
}
