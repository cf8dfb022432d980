package dev.argus.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.config.DriftConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares each model's recent requests with its reference profile, off the request path: numeric
 * features (prediction confidence, image width, height and mean of each channel, or the mean of
 * each input of a tensor model) with a two-sample Kolmogorov-Smirnov test, the predicted-class
 * distribution with a chi-square test and the population stability index. The reference is the
 * model's {@code drift-reference.json} (written by {@code argus drift baseline}) or else its first
 * {@code drift.reference_size} requests. Requests only append to bounded rings; a scheduled thread
 * evaluates every {@code drift.check_interval}.
 */
public final class DriftMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file in a model's folder that holds its reference profile. */
  public static final String REFERENCE_FILE = "drift-reference.json";

  private final DriftConfig config;
  private final Map<String, ModelDrift> models = new ConcurrentHashMap<>();
  private final ScheduledExecutorService evaluator;

  /** The verdict on one feature. */
  public record FeatureResult(
      String feature, String test, double score, double pValue, Double psi, boolean detected) {}

  /** What {@code GET /v2/models/{m}/drift} shows. */
  public record Report(
      String model,
      String referenceSource,
      int referenceSize,
      boolean referenceComplete,
      int recentSize,
      Instant evaluatedAt,
      List<FeatureResult> features) {}

  public DriftMonitor(DriftConfig config) {
    this.config = config;
    if (config.enabled()) {
      evaluator =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("argus-drift").daemon().factory());
      long every = config.checkInterval().toMillis();
      evaluator.scheduleWithFixedDelay(this::evaluateAll, every, every, TimeUnit.MILLISECONDS);
    } else {
      evaluator = null;
    }
  }

  /** Whether requests should compute their features at all ({@code drift.enabled}). */
  public boolean enabled() {
    return config.enabled();
  }

  /** A model (re)loaded: a fresh profile, from {@code modelDir}'s reference file if it has one. */
  public void modelLoaded(String model, Path modelDir) {
    if (!config.enabled()) {
      return;
    }
    ModelDrift drift = new ModelDrift(config.window());
    Path file = modelDir.resolve(REFERENCE_FILE);
    if (Files.isRegularFile(file)) {
      try {
        drift.loadReference(JSON.readTree(file.toFile()));
        drift.referenceSource = file.toString();
      } catch (IOException | RuntimeException e) {
        log.warn(
            "model {}: {} is not a drift reference ({}); using the first requests",
            model,
            file,
            e.getMessage());
      }
    }
    models.put(model, drift);
  }

  /** Starts a new reference for {@code model} from its next requests, ignoring any file. */
  public void startReference(String model) {
    if (config.enabled()) {
      models.put(model, new ModelDrift(config.window()));
    }
  }

  public void modelUnloaded(String model) {
    models.remove(model);
  }

  /**
   * One request's features; cheap and safe to call from request threads.
   *
   * @param numeric feature name to value (e.g. confidence, width)
   * @param predictedClass the top class, or null for tensor models
   */
  public void observe(String model, Map<String, Double> numeric, String predictedClass) {
    ModelDrift drift = models.get(model);
    if (drift != null) {
      drift.add(numeric, predictedClass, config.referenceSize());
    }
  }

  /** Evaluates every model now (the scheduled thread calls it; tests too). */
  public void evaluateAll() {
    for (Map.Entry<String, ModelDrift> e : models.entrySet()) {
      try {
        e.getValue().evaluate(e.getKey(), config);
      } catch (RuntimeException ex) {
        log.warn("model {}: drift evaluation failed", e.getKey(), ex);
      }
    }
  }

  public Optional<Report> report(String model) {
    ModelDrift d = models.get(model);
    return d == null ? Optional.empty() : Optional.of(d.report(model));
  }

  /** The latest results of every model, for the gauges. */
  public Map<String, List<FeatureResult>> results() {
    Map<String, List<FeatureResult>> out = new TreeMap<>();
    models.forEach((m, d) -> out.put(m, d.results));
    return out;
  }

  /** The reference profile of {@code model} as JSON (what {@code argus drift baseline} writes). */
  public Optional<ObjectNode> referenceJson(String model) {
    ModelDrift d = models.get(model);
    return d == null ? Optional.empty() : Optional.of(d.referenceJson(model));
  }

  @Override
  public void close() {
    if (evaluator != null) {
      evaluator.shutdownNow();
    }
  }

  /** One model's reference and recent window. */
  private static final class ModelDrift {
    final int window;
    final Map<String, List<Double>> referenceNumeric = new LinkedHashMap<>();
    final Map<String, Long> referenceClasses = new TreeMap<>();
    int referenceCount;
    boolean referenceComplete;
    String referenceSource = "first requests";
    final Map<String, double[]> recentNumeric = new LinkedHashMap<>();
    final String[] recentClasses;
    int recentNext;
    int recentCount;
    volatile List<FeatureResult> results = List.of();
    volatile Instant evaluatedAt;
    final Map<String, Boolean> detected = new ConcurrentHashMap<>();

    ModelDrift(int window) {
      this.window = window;
      this.recentClasses = new String[window];
    }

    synchronized void add(Map<String, Double> numeric, String predictedClass, int referenceSize) {
      if (!referenceComplete) {
        numeric.forEach(
            (k, v) -> referenceNumeric.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        if (predictedClass != null) {
          referenceClasses.merge(predictedClass, 1L, Long::sum);
        }
        referenceCount++;
        referenceComplete = referenceCount >= referenceSize;
        return;
      }
      int slot = recentNext;
      numeric.forEach(
          (k, v) -> recentNumeric.computeIfAbsent(k, x -> new double[window])[slot] = v);
      recentClasses[slot] = predictedClass;
      recentNext = (recentNext + 1) % window;
      recentCount = Math.min(window, recentCount + 1);
    }

    void loadReference(JsonNode json) {
      JsonNode features = json.path("features");
      features
          .fieldNames()
          .forEachRemaining(name -> {
            List<Double> values = new ArrayList<>();
            features.get(name).forEach(v -> values.add(v.asDouble()));
            referenceNumeric.put(name, values);
          });
      json.path("classes")
          .fields()
          .forEachRemaining(e -> referenceClasses.put(e.getKey(), e.getValue().asLong()));
      referenceCount =
          json.path("size")
              .asInt(features.isEmpty() ? 0 : referenceNumeric.values().iterator().next().size());
      if (referenceCount == 0) {
        throw new IllegalArgumentException("it holds no samples");
      }
      referenceComplete = true;
    }

    synchronized ObjectNode referenceJson(String model) {
      ObjectNode root = JSON.createObjectNode();
      root.put("model", model);
      root.put("size", referenceCount);
      ObjectNode features = root.putObject("features");
      referenceNumeric.forEach((k, v) -> {
        var arr = features.putArray(k);
        v.forEach(arr::add);
      });
      ObjectNode classes = root.putObject("classes");
      referenceClasses.forEach(classes::put);
      return root;
    }

    void evaluate(String model, DriftConfig config) {
      Map<String, double[]> recent = new LinkedHashMap<>();
      Map<String, double[]> reference = new LinkedHashMap<>();
      long[][] classCounts = null;
      List<String> classNames = List.of();
      synchronized (this) {
        if (!referenceComplete || recentCount < config.minSamples()) {
          return;
        }
        for (Map.Entry<String, double[]> e : recentNumeric.entrySet()) {
          List<Double> ref = referenceNumeric.get(e.getKey());
          if (ref == null || ref.isEmpty()) {
            continue;
          }
          recent.put(e.getKey(), java.util.Arrays.copyOf(e.getValue(), recentCount));
          reference.put(e.getKey(), ref.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (!referenceClasses.isEmpty()) {
          TreeSet<String> names = new TreeSet<>(referenceClasses.keySet());
          for (int i = 0; i < recentCount; i++) {
            if (recentClasses[i] != null) {
              names.add(recentClasses[i]);
            }
          }
          classNames = List.copyOf(names);
          classCounts = new long[2][classNames.size()];
          for (int c = 0; c < classNames.size(); c++) {
            classCounts[0][c] = referenceClasses.getOrDefault(classNames.get(c), 0L);
          }
          for (int i = 0; i < recentCount; i++) {
            if (recentClasses[i] != null) {
              classCounts[1][classNames.indexOf(recentClasses[i])]++;
            }
          }
        }
      }
      List<FeatureResult> out = new ArrayList<>();
      for (Map.Entry<String, double[]> e : recent.entrySet()) {
        double[] ks = DriftStats.ks(reference.get(e.getKey()), e.getValue());
        out.add(new FeatureResult(e.getKey(), "ks", ks[0], ks[1], null, ks[1] < config.pValue()));
      }
      if (classCounts != null) {
        double[] chi = DriftStats.chiSquare(classCounts[0], classCounts[1]);
        double psi = DriftStats.psi(classCounts[0], classCounts[1]);
        // Significant (chi-square) and large enough to matter (PSI): big windows make tiny shifts
        // significant, and PSI alone is noisy on small ones.
        boolean drifted = chi[1] < config.pValue() && psi >= config.psiThreshold();
        out.add(new FeatureResult("predicted_class", "chi_square", chi[0], chi[1], psi, drifted));
      }
      for (FeatureResult r : out) {
        Boolean before = detected.put(r.feature(), r.detected());
        if (r.detected() && !Boolean.TRUE.equals(before)) {
          log.warn(
              "drift_detected model={} feature={} test={} score={} p_value={}",
              model,
              r.feature(),
              r.test(),
              r.score(),
              r.pValue());
        } else if (!r.detected() && Boolean.TRUE.equals(before)) {
          log.info("drift_cleared model={} feature={} p_value={}", model, r.feature(), r.pValue());
        }
      }
      results = List.copyOf(out);
      evaluatedAt = Instant.now();
    }

    synchronized Report report(String model) {
      return new Report(
          model,
          referenceSource,
          referenceCount,
          referenceComplete,
          recentCount,
          evaluatedAt,
          results);
    }
  }
}
