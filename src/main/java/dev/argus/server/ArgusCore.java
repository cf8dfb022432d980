package dev.argus.server;

import dev.argus.batching.CpuPriority;
import dev.argus.batching.Ticker;
import dev.argus.config.ArgusConfig;
import dev.argus.config.ConfigException;
import dev.argus.image.ImageDecoder;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelLoadException;
import dev.argus.model.ModelLoader;
import dev.argus.model.ModelRepository;
import dev.argus.model.ModelRuntime;
import dev.argus.observe.DriftMonitor;
import dev.argus.observe.Metrics;
import dev.argus.observe.ModelMetrics;
import dev.argus.observe.SloTracker;
import dev.argus.observe.Tracing;
import dev.argus.service.InferenceRecorder;
import dev.argus.service.InferenceService;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ModelLifecycle;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of Argus but its transports, built in dependency order with nothing wired back later:
 * observation (metrics, tracing, SLOs, drift), the model catalogue and lifecycle, and the inference
 * service. {@link ArgusServer} puts the transports in front; {@code argus drift baseline} calls the
 * service in process.
 */
public final class ArgusCore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArgusCore.class);

  final ArgusConfig config;
  final PrometheusRegistry registry;
  final Tracing tracing;
  final Metrics metrics;
  final SloTracker slo;
  final DriftMonitor drift;
  final ModelCatalogue catalogue;
  final ModelLifecycle lifecycle;
  final InferenceService service;
  final InferenceStatistics statistics;
  private final ScheduledExecutorService watchdog;
  private CompletableFuture<Void> loading = CompletableFuture.completedFuture(null);

  /** The image decoder, and one line saying which decoder JPEGs go to. */
  private static ImageDecoder decoder(ArgusConfig config) {
    ImageDecoder decoder;
    try {
      decoder =
          new ImageDecoder(
              config.limits().maxImagePixels(),
              ImageDecoder.JpegDecoder.valueOf(
                  config.images().jpegDecoder().toUpperCase(java.util.Locale.ROOT)));
    } catch (IllegalStateException e) {
      throw new ConfigException(
          "images.jpeg_decoder: turbojpeg (expected: auto or imageio on this machine; "
              + e.getMessage()
              + "; install libturbojpeg0)");
    }
    if (decoder.jpegDecoder().equals(ImageDecoder.TURBOJPEG)) {
      log.info("JPEG decoder: libturbojpeg");
    } else if (config.images().jpegDecoder().equals("imageio")) {
      log.info("JPEG decoder: ImageIO (images.jpeg_decoder: imageio)");
    } else {
      log.warn(
          "JPEG decoder: ImageIO, about 4x slower: libturbojpeg is not on this machine ({});"
              + " install it (Debian/Ubuntu: apt-get install libturbojpeg0) for faster JPEG"
              + " decoding",
          ImageDecoder.turboJpegUnavailableReason());
    }
    return decoder;
  }

  ArgusCore(ArgusConfig config, ModelRuntime runtime) {
    this.config = config;
    Path repositoryPath = config.models().repositoryPath().toAbsolutePath().normalize();
    if (!Files.exists(repositoryPath)) {
      throw new ConfigException(
          "models.repository: "
              + config.models().repository()
              + " (expected: a directory or a model.onnx; "
              + repositoryPath
              + " does not exist)");
    }
    ModelRepository repository =
        new ModelRepository(repositoryPath, config.models().singleModelName().orElse(""));
    if (repository.singleModel().isEmpty() && config.models().singleModelName().isPresent()) {
      log.warn(
          "models.name '{}' is ignored: {} holds model folders, each served under its folder's"
              + " name",
          config.models().singleModelName().get(),
          repository.root());
    }
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
    this.registry = new PrometheusRegistry();
    // Before any worker or decoding thread starts: they lower their own priority as they start.
    CpuPriority.configure(config.server().cpuWorkNice());
    ImageDecoder decoder = decoder(config);
    this.tracing = Tracing.create(config.tracing(), ArgusServer.version());
    this.metrics =
        new Metrics(
            registry,
            config.metrics().prefix(),
            config.metrics().maxClassLabels(),
            ArgusServer.version(),
            runtime.version().replace("onnxruntime ", ""),
            decoder.jpegDecoder());
    if (config.metrics().enabled()) {
      Metrics.registerJvm(registry);
    }
    this.slo = new SloTracker(config.slo(), System::currentTimeMillis);
    this.drift = new DriftMonitor(config.drift());
    this.catalogue = new ModelCatalogue(repository, config.models().defaultModelName());
    this.lifecycle =
        new ModelLifecycle(
            catalogue,
            new ModelLoader(repository, runtime, config.batching(), config.models().warmup()),
            Ticker.SYSTEM,
            tracing.observer(metrics),
            config.server().shutdownGrace(),
            config.models().stallTimeout(),
            new ModelEvents(new ModelMetrics(registry, config.metrics().prefix()), drift));
    this.statistics = new InferenceStatistics();
    this.service =
        new InferenceService(
            catalogue,
            decoder,
            config.limits().maxConcurrentPredictions(),
            config.limits().decodedBytesBudget(Runtime.getRuntime().maxMemory()),
            Ticker.SYSTEM,
            new InferenceRecorder(metrics, slo, drift, tracing, statistics));
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("argus-watchdog").daemon().factory());
    watchdog.scheduleWithFixedDelay(this::checkProgress, 1, 1, TimeUnit.SECONDS);
  }

  private void checkProgress() {
    try {
      lifecycle.checkProgress();
    } catch (RuntimeException e) {
      log.warn("checking the models' progress failed", e);
    }
  }

  /** Builds the core; models do not load until {@link #loadModels()}. */
  public static ArgusCore create(ArgusConfig config, ModelRuntime runtime) {
    return new ArgusCore(config, runtime);
  }

  /** Starts loading every model in the background. */
  public void loadModels() {
    loading = lifecycle.loadAll();
  }

  /** Waits until every model has finished loading (or failed); true if that happened in time. */
  public boolean awaitModelsLoaded(long timeout, java.util.concurrent.TimeUnit unit) {
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

  public InferenceService service() {
    return service;
  }

  public ModelCatalogue catalogue() {
    return catalogue;
  }

  public DriftMonitor drift() {
    return drift;
  }

  /** Drains and closes the models, then stops drift, memory and tracing work. */
  @Override
  public void close() {
    watchdog.shutdownNow();
    lifecycle.close();
    service.close();
    drift.close();
    tracing.close();
  }

  /** Model lifecycle events into the metrics and the drift monitor. */
  private record ModelEvents(ModelMetrics metrics, DriftMonitor drift)
      implements ModelLifecycle.Listener {
    @Override
    public void loaded(LoadedModel model, String replacedVersion) {
      drift.modelLoaded(model.name(), model.directory());
      long fileBytes = 0;
      try {
        fileBytes = Files.size(model.sourceFile());
      } catch (java.io.IOException e) {
        log.debug("model {}: file size unknown", model.name(), e);
      }
      metrics.loaded(
          model.name(),
          model.version(),
          model.loadTime().toNanos() / 1e9,
          model.warmupTime().toNanos() / 1e9,
          fileBytes,
          replacedVersion);
    }

    @Override
    public void unloaded(String name, String version) {
      drift.modelUnloaded(name);
      metrics.notLoaded(name, version, "unloaded");
    }

    @Override
    public void failed(
        String name,
        String version,
        ModelLoadException.Reason reason,
        String message,
        boolean stillServing) {
      metrics.loadFailed(name, reason.label());
      if (!stillServing) {
        // Every model folder has a model_loaded series, even one whose version is unknown.
        metrics.notLoaded(name, version, "failed");
      }
    }

    @Override
    public void stateChanged(String name, String version, ModelCatalogue.State state) {
      metrics.state(name, state.label());
    }
  }
}
