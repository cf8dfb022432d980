package dev.argus.model;

import dev.argus.config.BatchingConfig;
import dev.argus.config.ModelSettings;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models Argus serves and the state of each. Models load in the background, so the server
 * answers probes while they load; one model failing leaves the others serving.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  /** Where a model is in its life. */
  public enum State {
    LOADING,
    READY,
    FAILED,
    UNLOADED
  }

  /** One model's state; {@code reason} says why it is not ready, empty when it is. */
  public record Status(String name, String version, State state, String reason) {}

  /** Told about lifecycle events, for metrics and logs. */
  public interface Listener {
    default void loaded(LoadedModel model, Duration loadTime, Duration warmupTime) {}

    default void unloaded(String name, String version) {}

    default void failed(String name, String version, String reason) {}
  }

  private final ModelRepository repository;
  private final ModelRuntime runtime;
  private final BatchingConfig defaults;
  private final boolean warmup;
  private final Listener listener;
  private final ExecutorService loader;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Object lifecycleLock = new Object();

  private record Entry(Status status, Optional<LoadedModel> model) {}

  public ModelRegistry(
      ModelRepository repository,
      ModelRuntime runtime,
      BatchingConfig defaults,
      boolean warmup,
      Listener listener) {
    this.repository = repository;
    this.runtime = runtime;
    this.defaults = defaults;
    this.warmup = warmup;
    this.listener = listener;
    this.loader =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("argus-model-loader").daemon().factory());
  }

  public ModelRepository repository() {
    return repository;
  }

  /** Starts loading every model in the repository; returns when all have finished or failed. */
  public CompletableFuture<Void> loadAll() {
    List<CompletableFuture<Status>> loads = new ArrayList<>();
    for (String name : repository.modelNames()) {
      loads.add(load(name));
    }
    return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new));
  }

  /** Loads (or reloads) {@code name} in the background. */
  public CompletableFuture<Status> load(String name) {
    synchronized (lifecycleLock) {
      Entry current = entries.get(name);
      String version = current == null ? "" : current.status().version();
      entries.put(
          name,
          new Entry(
              new Status(name, version, State.LOADING, "loading"),
              current == null ? Optional.empty() : current.model()));
    }
    return CompletableFuture.supplyAsync(() -> loadNow(name), loader);
  }

  private Status loadNow(String name) {
    long start = System.nanoTime();
    ModelRepository.ModelSource source;
    try {
      source = repository.resolve(name);
    } catch (ModelLoadException e) {
      return fail(name, "", e.getMessage(), e);
    }
    BatchingConfig batching = source.settings().batching().withDefaults(defaults);
    ModelRuntime.RuntimeOptions options =
        new ModelRuntime.RuntimeOptions(
            batching.effectiveIntraOpThreads(Runtime.getRuntime().availableProcessors()),
            batching.allowSpinning());
    Model model;
    try {
      model = runtime.load(source.modelFile(), options);
    } catch (ModelLoadException e) {
      return fail(name, source.version(), e.getMessage(), e);
    } catch (RuntimeException e) {
      return fail(name, source.version(), "loading failed: " + e, e);
    }
    Duration loadTime = Duration.ofNanos(System.nanoTime() - start);
    try {
      List<String> labels = readLabels(source);
      LoadedModel loaded =
          new LoadedModel(
              name,
              source.version(),
              source.settings(),
              batching,
              model,
              labels,
              source.modelFile());
      long warmStart = System.nanoTime();
      if (warmup) {
        model.run(warmupInputs(model.metadata(), source.settings()));
      }
      Duration warmupTime = Duration.ofNanos(System.nanoTime() - warmStart);
      Optional<LoadedModel> previous;
      synchronized (lifecycleLock) {
        Entry old = entries.get(name);
        previous = old == null ? Optional.empty() : old.model();
        entries.put(
            name,
            new Entry(new Status(name, source.version(), State.READY, ""), Optional.of(loaded)));
      }
      log.info(
          "model {} version {} ready (load {} ms, warm-up {} ms)",
          name,
          source.version(),
          loadTime.toMillis(),
          warmupTime.toMillis());
      listener.loaded(loaded, loadTime, warmupTime);
      previous.ifPresent(p -> p.model().close());
      return status(name).orElseThrow();
    } catch (RuntimeException e) {
      model.close();
      return fail(name, source.version(), "warm-up failed: " + e.getMessage(), e);
    }
  }

  private Status fail(String name, String version, String reason, Exception e) {
    log.error("model {} failed to load: {}", name, reason, e);
    Optional<LoadedModel> previous;
    synchronized (lifecycleLock) {
      Entry old = entries.get(name);
      previous = old == null ? Optional.empty() : old.model();
      entries.put(
          name, new Entry(new Status(name, version, State.FAILED, reason), Optional.empty()));
    }
    listener.failed(name, version, reason);
    previous.ifPresent(p -> p.model().close());
    return status(name).orElseThrow();
  }

  /** Stops serving {@code name} and releases its session. */
  public Optional<Status> unload(String name) {
    Optional<LoadedModel> previous;
    synchronized (lifecycleLock) {
      Entry old = entries.get(name);
      if (old == null) {
        return Optional.empty();
      }
      previous = old.model();
      entries.put(
          name,
          new Entry(
              new Status(name, old.status().version(), State.UNLOADED, "unloaded"),
              Optional.empty()));
    }
    // The listener drains the model's queue first, so nothing runs on a closed session.
    previous.ifPresent(p -> {
      listener.unloaded(p.name(), p.version());
      p.model().close();
    });
    return status(name);
  }

  /** The model if it is ready to serve. */
  public Optional<LoadedModel> ready(String name) {
    Entry e = entries.get(name);
    return e == null || e.status().state() != State.READY ? Optional.empty() : e.model();
  }

  public Optional<Status> status(String name) {
    return Optional.ofNullable(entries.get(name)).map(Entry::status);
  }

  /** Every known model's status, by name. */
  public List<Status> statuses() {
    return entries.values().stream()
        .map(Entry::status)
        .sorted(java.util.Comparator.comparing(Status::name))
        .toList();
  }

  @Override
  public void close() {
    loader.shutdownNow();
    try {
      loader.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lifecycleLock) {
      for (Entry e : entries.values()) {
        e.model().ifPresent(m -> m.model().close());
      }
      entries.clear();
    }
  }

  private static List<String> readLabels(ModelRepository.ModelSource source) {
    Optional<String> file = source.settings().labelsFile();
    if (file.isEmpty()) {
      return List.of();
    }
    Path path = source.directory().resolve(file.get()).normalize();
    if (!path.startsWith(source.directory())) {
      throw new ModelLoadException(
          "labels: " + file.get() + " (expected: a file inside the model's folder)");
    }
    try {
      return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new ModelLoadException("labels file " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Zero tensors shaped like one request: dynamic batch 1, image size from the settings. */
  static Map<String, Tensor> warmupInputs(ModelMetadata metadata, ModelSettings settings) {
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : metadata.inputs()) {
      long[] dims = spec.shape().dims();
      for (int i = 0; i < dims.length; i++) {
        if (dims[i] < 0) {
          dims[i] = 1;
          if (settings.isImageClassifier() && dims.length == 4 && i >= 2) {
            dims[i] =
                i == 2
                    ? settings.preprocessing().outputHeight()
                    : settings.preprocessing().outputWidth();
          }
        }
      }
      Shape shape = Shape.of(dims);
      int n = Math.toIntExact(shape.elementCount());
      Object data;
      if (spec.type() == DataType.BYTES) {
        byte[][] bytes = new byte[n][];
        java.util.Arrays.fill(bytes, new byte[0]);
        data = bytes;
      } else {
        data = Array.newInstance(Tensor.javaArrayType(spec.type()).getComponentType(), n);
      }
      inputs.put(spec.name(), Tensor.of(spec.type(), shape, data));
    }
    return inputs;
  }
}
