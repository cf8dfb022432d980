package dev.argus.transport.grpc;

import dev.argus.health.HealthService;
import dev.argus.service.ModelCatalogue;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code grpc.health.v1.Health} tied to readiness: the service {@code ""} (what Kubernetes' gRPC
 * probe asks) and {@code inference.GRPCInferenceService} are SERVING exactly while {@link
 * HealthService#readiness()} is up; each model's name is a service of its own, SERVING while that
 * model is ready. Statuses are refreshed at once after a change made over gRPC or a drain, and
 * every {@link #PERIOD} otherwise (a model that finished loading, a load or unload over HTTP), so a
 * {@code Watch} sees each flip.
 */
final class HealthPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);

  /** How often statuses are re-read when nothing told the publisher of a change. */
  static final Duration PERIOD = Duration.ofMillis(250);

  private final HealthService health;
  private final ModelCatalogue catalogue;
  private final HealthStatusManager manager = new HealthStatusManager();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("argus-grpc-health").daemon().factory());
  private final Set<String> models = new HashSet<>();

  HealthPublisher(HealthService health, ModelCatalogue catalogue) {
    this.health = health;
    this.catalogue = catalogue;
  }

  BindableService service() {
    return manager.getHealthService();
  }

  void start() {
    refresh();
    timer.scheduleWithFixedDelay(
        this::refreshQuietly, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads readiness and every model's state now and publishes what changed. */
  synchronized void refresh() {
    ServingStatus server =
        health.readiness().up() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    manager.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, server);
    manager.setStatus(GRPCInferenceServiceGrpc.SERVICE_NAME, server);
    Set<String> seen = new HashSet<>();
    for (ModelCatalogue.Status s : catalogue.statuses()) {
      seen.add(s.name());
      manager.setStatus(
          s.name(),
          s.state() == ModelCatalogue.State.READY
              ? ServingStatus.SERVING
              : ServingStatus.NOT_SERVING);
    }
    for (String gone : models) {
      if (!seen.contains(gone)) {
        manager.clearStatus(gone);
      }
    }
    models.clear();
    models.addAll(seen);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("gRPC health statuses could not be refreshed", e);
    }
  }

  /** Everything NOT_SERVING from now on, whatever readiness says: the server is stopping. */
  synchronized void stopping() {
    timer.shutdownNow();
    manager.enterTerminalState();
  }

  @Override
  public void close() {
    stopping();
  }
}
