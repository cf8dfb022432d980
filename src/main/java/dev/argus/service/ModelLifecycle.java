package dev.argus.service;

import dev.argus.batching.BatchSettings;
import dev.argus.batching.DynamicBatcher;
import dev.argus.batching.Ticker;
import dev.argus.config.BatchingConfig;
import dev.argus.model.LoadedModel;
import dev.argus.model.ModelLoadException;
import dev.argus.model.ModelLoader;
import dev.argus.model.ModelRepository;
import dev.argus.model.TensorSpec;
import dev.argus.observe.InferenceObserver;
import dev.argus.service.ModelCatalogue.State;
import dev.argus.service.ModelCatalogue.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change to the {@link ModelCatalogue}: models load in the background on one loader thread,
 * so the server answers probes while they load, and one model failing leaves the others serving. A
 * model is published with its batcher once loaded and warmed up; a model stops (unload, reload,
 * shutdown) by draining its batcher before its session closes.
 */
public final class ModelLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelLifecycle.class);

  /** Told about lifecycle events, for metrics and drift. Called on the loader thread. */
  public interface Listener {
    default void loaded(LoadedModel model) {}

    default void unloaded(String name, String version) {}

    default void failed(String name, String version, String reason) {}
  }

  private final ModelCatalogue catalogue;
  private final ModelLoader loader;
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final Duration grace;
  private final Listener listener;
  private final ExecutorService loaderThread;
  private final Object lock = new Object();

  /**
   * @param observer what every model's batcher reports to
   * @param grace how long a stopping model's batcher may take to run what is queued
   */
  public ModelLifecycle(
      ModelCatalogue catalogue,
      ModelLoader loader,
      Ticker ticker,
      InferenceObserver observer,
      Duration grace,
      Listener listener) {
    this.catalogue = catalogue;
    this.loader = loader;
    this.ticker = ticker;
    this.observer = observer;
    this.grace = grace;
    this.listener = listener;
    this.loaderThread =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("argus-model-loader").daemon().factory());
  }

  /** Starts loading every model in the repository; completes when all have finished or failed. */
  public CompletableFuture<Void> loadAll() {
    List<CompletableFuture<Status>> loads = new ArrayList<>();
    for (String name : catalogue.repository().modelNames()) {
      loads.add(loadAsync(name));
    }
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
  }

  /** Loads (or reloads) {@code name} in the background. */
  public CompletableFuture<Status> loadAsync(String name) {
    synchronized (lock) {
      var current = catalogue.entry(name);
      String version = current.map(e -> e.status().version()).orElse("");
      catalogue.put(
          name,
          new Status(name, version, State.LOADING, "loading"),
          current.map(ModelCatalogue.Entry::serving).orElse(null));
    }
    return CompletableFuture.supplyAsync(() -> loadNow(name), loaderThread);
  }

  /**
   * Loads (or reloads) a model from the repository folder and waits for the outcome, at most {@code
   * timeout}.
   *
   * @throws ArgusException.NotFound when the folder has no such model
   * @throws ArgusException.ModelNotReady when loading failed or is still running at the timeout
   */
  public Status load(String name, Duration timeout) {
    if (!ModelRepository.isValidName(name) || !catalogue.repository().modelNames().contains(name)) {
      throw ArgusException.NotFound.model(name);
    }
    Status status;
    try {
      status = loadAsync(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ArgusException.ModelNotReady(
          name,
          "still loading after " + timeout.toSeconds() + " s; watch /v2/models/" + name + "/ready");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArgusException.ShuttingDown();
    } catch (ExecutionException e) {
      throw new ArgusException.ModelNotReady(name, String.valueOf(e.getCause()));
    }
    if (status.state() != State.READY) {
      throw new ArgusException.ModelNotReady(name, status.reason());
    }
    return status;
  }

  private Status loadNow(String name) {
    LoadedModel loaded;
    try {
      loaded = loader.load(name);
    } catch (ModelLoadException e) {
      return fail(name, e.version(), e.getMessage(), e);
    } catch (RuntimeException e) {
      return fail(name, "", "loading failed: " + e, e);
    }
    ServingModel serving =
        new ServingModel(
            loaded,
            new DynamicBatcher(
                loaded.name(),
                loaded.version(),
                loaded.model(),
                batchSettings(loaded),
                ticker,
                observer));
    ServingModel previous;
    synchronized (lock) {
      previous =
          catalogue
              .put(name, new Status(name, loaded.version(), State.READY, ""), serving)
              .map(ModelCatalogue.Entry::serving)
              .orElse(null);
    }
    log.info(
        "model {} version {} ready (load {} ms, warm-up {} ms)",
        name,
        loaded.version(),
        loaded.loadTime().toMillis(),
        loaded.warmupTime().toMillis());
    listener.loaded(loaded);
    stop(previous);
    return catalogue.status(name).orElseThrow();
  }

  private Status fail(String name, String version, String reason, Exception e) {
    log.error("model {} failed to load: {}", name, reason, e);
    ServingModel previous;
    synchronized (lock) {
      previous =
          catalogue
              .put(name, new Status(name, version, State.FAILED, reason), null)
              .map(ModelCatalogue.Entry::serving)
              .orElse(null);
    }
    listener.failed(name, version, reason);
    stop(previous);
    return catalogue.status(name).orElseThrow();
  }

  /**
   * Stops serving a model: its queue drains, its session closes, and requests for it get 404.
   *
   * @throws ArgusException.NotFound when no such model is known
   */
  public Status unload(String name) {
    ServingModel previous;
    synchronized (lock) {
      var old =
          ModelRepository.isValidName(name)
              ? catalogue.entry(name)
              : java.util.Optional.<ModelCatalogue.Entry>empty();
      if (old.isEmpty()) {
        throw ArgusException.NotFound.model(name);
      }
      previous = old.get().serving();
      catalogue.put(
          name, new Status(name, old.get().status().version(), State.UNLOADED, "unloaded"), null);
    }
    if (previous != null) {
      listener.unloaded(previous.name(), previous.version());
      stop(previous);
    }
    return catalogue.status(name).orElseThrow();
  }

  /** Drains the batcher, so nothing runs on a closed session, then closes the session. */
  private void stop(ServingModel serving) {
    if (serving != null) {
      serving.batcher().close(grace);
      serving.model().model().close();
    }
  }

  /** Settings a model's batcher runs with: batching only when its first dimension is dynamic. */
  static BatchSettings batchSettings(LoadedModel model) {
    BatchingConfig b = model.batching();
    boolean batchable =
        model.model().metadata().inputs().stream()
            .map(TensorSpec::shape)
            .allMatch(s -> s.rank() > 0 && s.dim(0) == -1);
    return new BatchSettings(
        batchable ? b.maxBatchSize() : 1, b.maxQueueDelay(), b.queueCapacity(), b.instances());
  }

  /** Stops loading, drains every model's queue within the grace period, closes every session. */
  @Override
  public void close() {
    loaderThread.shutdownNow();
    try {
      loaderThread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<ServingModel> all;
    synchronized (lock) {
      all = catalogue.clear();
    }
    all.forEach(this::stop);
  }
}
