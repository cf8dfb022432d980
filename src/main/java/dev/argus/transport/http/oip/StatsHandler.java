package dev.argus.transport.http.oip;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.batching.BatchStats;
import dev.argus.service.ArgusException;
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
 * inference_count}, {@code execution_count}, {@code inference_stats}, {@code batch_stats}), plus
 * Argus's queue figures. Counts start when the model's batcher starts (load or reload).
 */
public final class StatsHandler implements Routes {
  private final ModelCatalogue catalogue;

  public StatsHandler(ModelCatalogue catalogue) {
    this.catalogue = catalogue;
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
    ObjectNode body = Json.object();
    ObjectNode m = body.putArray("model_stats").addObject();
    m.put("name", state.name()).put("version", state.version()).put("state", state.state().label());
    BatchStats s = catalogue.stats(name);
    m.put("inference_count", s.completedRequests());
    m.put("execution_count", s.batches());
    ObjectNode stats = m.putObject("inference_stats");
    duration(stats, "success", s.completedRequests(), 0);
    duration(stats, "fail", s.failedRequests() + s.expiredRequests(), 0);
    duration(stats, "queue", s.completedRequests() + s.failedRequests(), s.queueNanos());
    duration(stats, "compute_infer", s.batches(), s.computeNanos());
    ArrayNode sizes = m.putArray("batch_stats");
    long[] counts = s.batchSizeCounts();
    for (int size = 1; size < counts.length; size++) {
      if (counts[size] > 0) {
        ObjectNode b = sizes.addObject().put("batch_size", size);
        b.putObject("compute_infer").put("count", counts[size]).put("ns", 0);
      }
    }
    m.put("rejected_count", s.rejectedRequests());
    m.put("expired_count", s.expiredRequests());
    m.put("cancelled_count", s.cancelledRequests());
    m.put("queue_depth", s.queueDepth());
    m.put("queue_capacity", s.queueCapacity());
    Responses.json(req, res, 200, body);
  }

  private static void duration(ObjectNode parent, String name, long count, long nanos) {
    parent.putObject(name).put("count", count).put("ns", nanos);
  }
}
