package dev.argus;

import dev.argus.batching.Ticker;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.health.HealthService;
import dev.argus.image.ImageDecoder;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelRegistry;
import dev.argus.model.ModelRepository;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.MemoryMonitor;
import dev.argus.observe.Metrics;
import dev.argus.observe.SloTracker;
import dev.argus.observe.Tracing;
import dev.argus.service.BatcherPool;
import dev.argus.service.InferenceService;
import dev.argus.transport.http.HttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every component of Argus, starts them, and stops them in order: readiness turns false, the
 * listener stops accepting, requests in flight finish within the grace period, then model sessions
 * close.
 */
public final class ArgusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArgusServer.class);

  private final ArgusConfig config;
  private final ModelRegistry registry;
  private final BatcherPool batchers;
  private final Metrics metrics;
  private final MemoryMonitor memory;
  private final DriftMonitor drift;
  private final Tracing tracing;
  private final HealthService health;
  private final HttpServer http;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch stoppedLatch = new CountDownLatch(1);
  private CompletableFuture<Void> loading = CompletableFuture.completedFuture(null);

  private ArgusServer(ArgusConfig config, ModelRuntime runtime) {
    this.config = config;
    ModelRepository repository = new ModelRepository(config.models().repositoryPath());
    if (!Files.isDirectory(repository.root())) {
      throw new ConfigException(
          "models.repository: "
              + config.models().repository()
              + " (expected: a directory; "
              + repository.root()
              + " does not exist)");
    }
    this.tracing = Tracing.create(config.tracing(), version());
    PrometheusRegistry prometheus = new PrometheusRegistry();
    BatcherPool[] pool = new BatcherPool[1];
    this.metrics =
        new Metrics(
            prometheus,
            config.metrics().prefix(),
            config.metrics().maxClassLabels(),
            version(),
            runtime.version().replace("onnxruntime ", ""),
            () -> pool[0].queueReadings());
    metrics.countDroppedSpansOf(tracing);
    metrics.trackSlos(new SloTracker(config.slo(), System::currentTimeMillis));
    this.drift = new DriftMonitor(config.drift());
    metrics.watchDrift(drift);
    if (config.metrics().enabled()) {
      Metrics.registerJvm(prometheus);
    }
    this.memory =
        MemoryMonitor.start(
            metrics,
            config.memory().thresholdRatio(),
            config.memory().rssLimit(),
            config.memory().checkInterval());
    this.batchers =
        new BatcherPool(Ticker.SYSTEM, tracing.observer(metrics), config.server().shutdownGrace());
    pool[0] = batchers;
    this.registry =
        new ModelRegistry(
            repository,
            runtime,
            config.batching(),
            config.models().warmup(),
            new ModelEvents(batchers, metrics, drift));
    config
        .models()
        .defaultModelName()
        .filter(name -> !repository.modelNames().contains(name))
        .ifPresent(name -> {
          throw new ConfigException(
              "models.default_model: '"
                  + name
                  + "' (expected: one of "
                  + repository.modelNames()
                  + " in "
                  + repository.root()
                  + ")");
        });
    this.health = new HealthService(registry);
    InferenceService service =
        new InferenceService(
            registry,
            batchers,
            new ImageDecoder(config.limits().maxImagePixels()),
            config.models().defaultModelName(),
            config.limits().maxConcurrentPredictions(),
            metrics,
            tracing,
            drift);
    this.http =
        new HttpServer(
            config,
            service,
            health,
            metrics,
            config.metrics().enabled(),
            tracing,
            new HttpServer.ServerInfo("argus", version(), runtime.version()));
  }

  /** Sends model lifecycle events to the batchers first, then to the metrics. */
  private record ModelEvents(BatcherPool batchers, Metrics metrics, DriftMonitor drift)
      implements ModelRegistry.Listener {
    @Override
    public void loaded(LoadedModel model, Duration loadTime, Duration warmupTime) {
      batchers.loaded(model, loadTime, warmupTime);
      // <repository>/<model>/<version>/model.onnx: the reference sits in the model's folder.
      drift.modelLoaded(model.name(), model.sourceFile().getParent().getParent());
      long fileBytes = 0;
      try {
        fileBytes = Files.size(model.sourceFile());
      } catch (java.io.IOException e) {
        log.debug("model {}: file size unknown", model.name(), e);
      }
      metrics.modelLoaded(
          model.name(),
          model.version(),
          loadTime.toNanos() / 1e9,
          warmupTime.toNanos() / 1e9,
          fileBytes);
    }

    @Override
    public void unloaded(String name, String version) {
      batchers.unloaded(name, version);
      drift.modelUnloaded(name);
      metrics.modelNotLoaded(name, version);
    }

    @Override
    public void failed(String name, String version, String reason) {
      batchers.failed(name, version, reason);
      if (!version.isEmpty()) {
        metrics.modelNotLoaded(name, version);
      }
    }
  }

  /** Builds and starts a server; models load in the background while it already answers. */
  public static ArgusServer start(ArgusConfig config) {
    return start(config, new OnnxModelRuntime());
  }

  /** Starts a server whose models load through {@code runtime}. */
  public static ArgusServer start(ArgusConfig config, ModelRuntime runtime) {
    ArgusServer server = new ArgusServer(config, runtime);
    server.http.start();
    server.loading = server.registry.loadAll();
    log.info(
        "argus {} listening on http://{}:{} serving models from {}",
        version(),
        config.server().host(),
        server.http.port(),
        server.registry.repository().root());
    server
        .metricsPort()
        .ifPresent(p -> log.info("metrics on http://{}:{}/metrics", config.server().host(), p));
    return server;
  }

  public int port() {
    return http.port();
  }

  /** The metrics port, when {@code metrics.port} puts metrics on a port of their own. */
  public java.util.OptionalInt metricsPort() {
    return http.metricsPort();
  }

  /** The drift monitor (for {@code argus drift baseline}). */
  public DriftMonitor driftMonitor() {
    return drift;
  }

  /** The port of the admin listener, when {@code admin.port} gives it one. */
  public java.util.OptionalInt adminPort() {
    return http.adminPort();
  }

  public ModelRegistry registry() {
    return registry;
  }

  /** Waits until every model has finished loading (or failed); true if that happened in time. */
  public boolean awaitModelsLoaded(long timeout, TimeUnit unit) {
    try {
      loading.get(timeout, unit);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Blocks until {@link #stop()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stoppedLatch.await();
  }

  /** Graceful stop; safe to call more than once and from a shutdown hook. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    log.info("stopping: readiness is now false");
    health.markDraining();
    long drainMillis = config.server().drainDelay().toMillis();
    if (drainMillis > 0) {
      log.info("waiting {} ms (server.drain_delay) for load balancers to notice", drainMillis);
      sleep(drainMillis);
    }
    http.stop();
    batchers.close();
    registry.close();
    memory.close();
    drift.close();
    tracing.close();
    log.info("stopped");
    stoppedLatch.countDown();
  }

  @Override
  public void close() {
    stop();
  }

  /** The Argus version from the build. */
  public static String version() {
    try (InputStream in = ArgusServer.class.getResourceAsStream("build.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
