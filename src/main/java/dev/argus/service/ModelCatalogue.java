package dev.argus.service;

import dev.argus.batching.BatchStats;
import dev.argus.batching.DynamicBatcher;
import dev.argus.model.ModelRepository;
import dev.argus.observe.ServerGauges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one registry of the models Argus serves: each model's state and, once it is ready, the model
 * with its batcher, published together. {@link ModelLifecycle} makes every change; everything else
 * only looks models up here.
 */
public final class ModelCatalogue {
  /** Where a model is in its life. */
  public enum State {
    /** Loading for the first time (a reload keeps the serving version READY meanwhile). */
    LOADING,
    READY,
    /** Loaded, but its queue has made no progress for {@code models.stall_timeout}. */
    STALLED,
    FAILED,
    UNLOADED;

    /** As APIs show it: {@code ready}, {@code loading}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One model's state; {@code reason} says why it is not ready, or, for a model that serves, why
   * its last reload failed; empty otherwise.
   */
  public record Status(String name, String version, State state, String reason) {}

  /** A loaded model's footprint as far as the JVM can see: the size of its ONNX file. */
  public record Footprint(String name, String version, long fileBytes) {}

  /** {@code serving} is what to close when the entry changes; it serves only while READY. */
  record Entry(Status status, ServingModel serving) {}

  private final ModelRepository repository;
  private final Optional<String> defaultModel;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param defaultModel {@code models.default_model}, if set
   */
  public ModelCatalogue(ModelRepository repository, Optional<String> defaultModel) {
    this.repository = repository;
    this.defaultModel = defaultModel;
  }

  public ModelRepository repository() {
    return repository;
  }

  // --- changes, made by the lifecycle under its lock -------------------------------------------

  Optional<Entry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Replaces the entry of {@code name}; returns the one it replaced. */
  Optional<Entry> put(String name, Status status, ServingModel serving) {
    return Optional.ofNullable(entries.put(name, new Entry(status, serving)));
  }

  /** Removes every entry; returns what was serving (or loading beside) them. */
  List<ServingModel> clear() {
    List<ServingModel> all = new ArrayList<>();
    entries
        .values()
        .forEach(e -> {
          if (e.serving() != null) {
            all.add(e.serving());
          }
        });
    entries.clear();
    return all;
  }

  // --- lookups --------------------------------------------------------------------------------

  /**
   * The serving model of that name.
   *
   * @throws ArgusException.InvalidInput for a malformed name
   * @throws ArgusException.NotFound for a model that does not exist or was unloaded
   * @throws ArgusException.ModelNotReady for one that is loading or failed
   */
  public ServingModel serving(String name) {
    if (!ModelRepository.isValidName(name)) {
      throw new ArgusException.InvalidInput(
          "model name '"
              + name
              + "' is not valid (expected: 1-64 letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit)");
    }
    Entry e = entries.get(name);
    if (e == null) {
      throw ArgusException.NotFound.model(name);
    }
    return switch (e.status().state()) {
      case READY -> e.serving();
      case UNLOADED -> throw ArgusException.NotFound.unloaded(name);
      case LOADING, STALLED, FAILED ->
          throw new ArgusException.ModelNotReady(name, e.status().reason());
    };
  }

  /**
   * The serving model of that name (and version, when given), held for one request until it calls
   * {@link ServingModel#release()}.
   *
   * @throws ArgusException.InvalidInput, NotFound or ModelNotReady as {@link #serving(String,
   *     String)} does
   */
  public ServingModel acquire(String name, String version) {
    // A model retired between the lookup and the hold has already been replaced in the map.
    for (int attempt = 0; attempt < 3; attempt++) {
      ServingModel m = serving(name, version);
      if (m.tryAcquire()) {
        return m;
      }
    }
    throw new ArgusException.ModelNotReady(name, "it is being replaced; retry");
  }

  /** The model, if it is ready to serve. */
  public Optional<ServingModel> ready(String name) {
    Entry e = entries.get(name);
    return e == null || e.status().state() != State.READY
        ? Optional.empty()
        : Optional.of(e.serving());
  }

  /**
   * The model {@code POST /predict} uses: the configured default, or the only model there is.
   *
   * @throws ArgusException.InvalidInput when several models are served and none is the default
   */
  public String defaultModelName() {
    if (defaultModel.isPresent()) {
      return defaultModel.get();
    }
    List<Status> models = statuses();
    if (models.size() == 1) {
      return models.get(0).name();
    }
    throw new ArgusException.InvalidInput(
        "no default model: "
            + models.size()
            + " models are served; use POST /predict/{model} or set models.default_model");
  }

  /**
   * The serving model of that name and, when given, that version.
   *
   * @param version the version asked for, or null for the one served
   * @throws ArgusException.NotFound for another version
   */
  public ServingModel serving(String name, String version) {
    ServingModel model = serving(name);
    if (version != null && !version.equals(model.version())) {
      throw ArgusException.NotFound.version(name, version, model.version());
    }
    return model;
  }

  /** Whether a model (and, when given, that version) is ready to serve; false when unknown. */
  public boolean isReady(String name, String version) {
    return ModelRepository.isValidName(name)
        && ready(name).filter(m -> version == null || version.equals(m.version())).isPresent();
  }

  public Optional<Status> status(String name) {
    return Optional.ofNullable(entries.get(name)).map(Entry::status);
  }

  /** Every known model's status, by name. */
  public List<Status> statuses() {
    return entries.values().stream()
        .map(Entry::status)
        .sorted(Comparator.comparing(Status::name))
        .toList();
  }

  /**
   * Every model in the repository folder, loaded or not: what the protocol's repository index
   * lists. Folders added since start appear with an empty version and no state.
   */
  public List<Status> repositoryIndex() {
    List<Status> known = new ArrayList<>(statuses());
    for (String name : repository.modelNames()) {
      if (known.stream().noneMatch(m -> m.name().equals(name))) {
        known.add(new Status(name, "", null, "not loaded"));
      }
    }
    known.sort(Comparator.comparing(Status::name));
    return known;
  }

  /**
   * A known model's batcher counters: all zero while it has no batcher.
   *
   * @throws ArgusException.NotFound for a model that is not known
   */
  public BatchStats stats(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw ArgusException.NotFound.model(name);
    }
    return e.serving() == null ? BatchStats.NONE : e.serving().batcher().stats();
  }

  /** Depth and capacity of every serving model's queue now, for the queue gauges. */
  public List<ServerGauges.QueueReading> queueReadings() {
    List<ServerGauges.QueueReading> readings = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.serving() != null) {
        DynamicBatcher b = e.serving().batcher();
        readings.add(
            new ServerGauges.QueueReading(
                e.serving().name(),
                e.serving().version(),
                b.queueDepth(),
                b.settings().queueCapacity()));
      }
    }
    return readings;
  }

  /** The footprints of the models serving now. */
  public List<Footprint> footprints() {
    List<Footprint> out = new ArrayList<>();
    for (Status s : statuses()) {
      ready(s.name())
          .ifPresent(m -> {
            long bytes;
            try {
              bytes = java.nio.file.Files.size(m.model().sourceFile());
            } catch (java.io.IOException e) {
              bytes = -1; // the file went away after loading; the session still serves
            }
            out.add(new Footprint(m.name(), m.version(), bytes));
          });
    }
    return out;
  }
}
