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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change to the {@link ModelCatalogue}. Models load in the background on one loader thread,
 * so the server answers probes while they load, and one model failing leaves the others serving. A
 * model is published with its batcher once loaded and warmed up. A reload loads the new version
 * beside the serving one and swaps only on success: requests keep being served meanwhile, those in
 * flight on the old version finish, and a failed reload leaves the old version serving. A model
 * stops (unload, replaced, shutdown) by draining its batcher before its session closes.
 */
public final class ModelLifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelLifecycle.class);

  /** Told about lifecycle events, for metrics and drift. Called on the loader thread. */
  public interface Listener {
    /** {@code model} serves now, replacing {@code replacedVersion} (null on a first load). */
    default void loaded(LoadedModel model, String replacedVersion) {}

    default void unloaded(String name, String version) {}

    /**
     * A load of {@code name} failed; {@code version} is empty when no version was found. {@code
     * stillServing} when an earlier version goes on serving (a failed reload).
     */
    default void failed(
        String name,
        String version,
        ModelLoadException.Reason reason,
        String message,
        boolean stillServing) {}

    /**
     * The model's state changed: to {@link State#LOADING} (a first load, or after a failure), or to
     * or from {@link State#STALLED}. Loads, failures and unloads also come to their own method.
     */
    default void stateChanged(String name, String version, State state) {}
  }

  private final ModelCatalogue catalogue;
  private final ModelLoader loader;
  private final Ticker ticker;
  private final InferenceObserver observer;
  private final Duration grace;
  private final Listener listener;
  private final ExecutorService loaderThread;
  private final StallWatch stalls;
  private final Object lock = new Object();

  /**
   * @param observer what every model's batcher reports to
   * @param grace how long a stopping model's batcher may take to run what is queued
   * @param stallTimeout how long a model's oldest queued request may wait with no batch started
   *     before the model counts as stalled
   */
  public ModelLifecycle(
      ModelCatalogue catalogue,
      ModelLoader loader,
      Ticker ticker,
      InferenceObserver observer,
      Duration grace,
      Duration stallTimeout,
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
    this.stalls = new StallWatch(catalogue, lock, ticker, stallTimeout, listener);
  }

  /** Starts loading every model in the repository; completes when all have finished or failed. */
  public CompletableFuture<Void> loadAll() {
    List<CompletableFuture<Loaded>> loads = new ArrayList<>();
    for (String ignored : catalogue.repository().ignoredEntries()) {
      log.warn("model repository {}: ignoring {}", catalogue.repository().root(), ignored);
    }
    for (String name : catalogue.repository().modelNames()) {
      loads.add(loadAsync(name));
    }
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
  }

  /** What a load ended in: the model's status, and the failure's message (null on success). */
  private record Loaded(Status status, String failure) {}

  /** Loads (or reloads) {@code name} in the background; a serving version goes on serving. */
  private CompletableFuture<Loaded> loadAsync(String name) {
    String loading = null;
    synchronized (lock) {
      Optional<ModelCatalogue.Entry> current = catalogue.entry(name);
      boolean serving = current.map(e -> e.status().state() == State.READY).orElse(false);
      if (!serving) {
        loading = current.map(e -> e.status().version()).orElse("");
        catalogue.put(
            name,
            new Status(name, loading, State.LOADING, "loading"),
            current.map(ModelCatalogue.Entry::serving).orElse(null));
      }
    }
    if (loading != null) {
      listener.stateChanged(name, loading, State.LOADING);
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
    Loaded result;
    try {
      result = loadAsync(name).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
    if (result.failure() != null) {
      throw new ArgusException.ModelNotReady(name, result.failure());
    }
    return result.status();
  }

  private Loaded loadNow(String name) {
    LoadedModel loaded;
    try {
      loaded = loader.load(name);
    } catch (ModelLoadException e) {
      return fail(name, e.version(), e.reason(), e.getMessage(), e);
    } catch (RuntimeException e) {
      return fail(name, "", ModelLoadException.Reason.RUNTIME, "loading failed: " + e, e);
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
    if (loaded.autoConfigured()) {
      log.info(
          "model {}: no model.yaml in {}, auto-configured as a tensor model from {}: inputs {},"
              + " outputs {}",
          name,
          loaded.directory(),
          loaded.sourceFile().getFileName(),
          describe(loaded.model().metadata().inputs()),
          describe(loaded.model().metadata().outputs()));
    }
    listener.loaded(loaded, previous == null ? null : previous.version());
    // Requests that took the old version before the swap finish on it: its queue drains first.
    stop(previous);
    return new Loaded(catalogue.status(name).orElseThrow(), null);
  }

  private static String describe(List<TensorSpec> specs) {
    return specs.stream()
        .map(s -> s.name() + " " + s.type() + " " + s.shape())
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }

  private Loaded fail(
      String name, String version, ModelLoadException.Reason reason, String message, Exception e) {
    ServingModel stopped = null;
    Status status;
    synchronized (lock) {
      Optional<ModelCatalogue.Entry> old = catalogue.entry(name);
      ServingModel serving = old.map(ModelCatalogue.Entry::serving).orElse(null);
      if (serving != null && old.get().status().state() == State.READY) {
        // A failed reload: the serving version goes on; the failure is reported, not served.
        status =
            new Status(
                name,
                serving.version(),
                State.READY,
                "reload failed, version " + serving.version() + " serves: " + message);
        catalogue.put(name, status, serving);
      } else {
        status = new Status(name, version, State.FAILED, message);
        catalogue.put(name, status, null);
        stopped = serving;
      }
    }
    boolean stillServing = status.state() == State.READY;
    if (stillServing) {
      log.error(
          "model {}: reload failed, version {} goes on serving: {}",
          name,
          status.version(),
          message,
          e);
    } else {
      log.error("model {} failed to load: {}", name, message, e);
    }
    listener.failed(name, version, reason, message, stillServing);
    stop(stopped);
    return new Loaded(status, message);
  }

  /**
   * Stops serving a model: its queue drains, its session closes, and requests for it get 404.
   *
   * @throws ArgusException.NotFound when no such model is known
   */
  public Status unload(String name) {
    ServingModel previous;
    synchronized (lock) {
      Optional<ModelCatalogue.Entry> old =
          ModelRepository.isValidName(name) ? catalogue.entry(name) : Optional.empty();
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

  /** Marks models stalled, or no longer stalled (the server's watchdog calls it each second). */
  public void checkProgress() {
    stalls.check();
  }

  /**
   * Retires a model: lets the requests that hold it finish, drains its batcher, so nothing runs on
   * a closed session, then closes the session; all within the grace period.
   */
  private void stop(ServingModel serving) {
    if (serving != null) {
      long start = System.nanoTime();
      if (!serving.retire(grace)) {
        log.warn(
            "model {} version {}: requests still running after the grace period",
            serving.name(),
            serving.version());
      }
      Duration left = grace.minusNanos(System.nanoTime() - start);
      serving.batcher().close(left.isNegative() ? Duration.ZERO : left);
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
