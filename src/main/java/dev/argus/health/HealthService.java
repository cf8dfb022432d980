package dev.argus.health;

import dev.argus.service.ModelCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness, readiness and startup, each with named checks so that a failing probe says why.
 *
 * <ul>
 *   <li>Liveness: the process serves HTTP. It stays true while models load or fail; restarting
 *       would not fix a bad model file.
 *   <li>Readiness: every model in the repository is loaded and warmed up, and the server is not
 *       draining.
 *   <li>Startup: config is valid and every model finished its first load and warm-up. Once passed,
 *       it stays passed.
 * </ul>
 */
public final class HealthService {
  /** One named check. */
  public record Check(String name, boolean ok, String detail) {}

  /** The outcome of a probe: up when every check is ok. */
  public record Report(boolean up, List<Check> checks) {
    public Report {
      checks = List.copyOf(checks);
    }

    /** Details of the failing checks. */
    public List<String> reasons() {
      return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).toList();
    }
  }

  private final ModelCatalogue catalogue;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();

  public HealthService(ModelCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** Readiness turns false from now on: the server is about to stop. */
  public void markDraining() {
    draining.set(true);
  }

  public Report liveness() {
    return new Report(true, List.of(new Check("http", true, "serving")));
  }

  public Report readiness() {
    List<Check> checks = new ArrayList<>();
    checks.add(
        new Check(
            "server", !draining.get(), draining.get() ? "shutting down" : "accepting requests"));
    List<ModelCatalogue.Status> models = catalogue.statuses();
    if (models.isEmpty()) {
      checks.add(
          new Check("models", false, "no models in repository " + catalogue.repository().root()));
    }
    for (ModelCatalogue.Status s : models) {
      if (s.state() == ModelCatalogue.State.UNLOADED) {
        // Unloaded on purpose (repository API): not served, but no reason to leave the rotation.
        checks.add(new Check("model " + s.name(), true, "unloaded, not served"));
        continue;
      }
      boolean ok = s.state() == ModelCatalogue.State.READY;
      checks.add(
          new Check(
              "model " + s.name(), ok, ok ? "ready (version " + s.version() + ")" : describe(s)));
    }
    return report(checks);
  }

  public Report startup() {
    if (started.get()) {
      return new Report(true, List.of(new Check("startup", true, "complete")));
    }
    List<Check> checks = new ArrayList<>();
    checks.add(new Check("config", true, "valid"));
    List<ModelCatalogue.Status> models = catalogue.statuses();
    if (models.isEmpty()) {
      checks.add(
          new Check("models", false, "no models in repository " + catalogue.repository().root()));
    }
    for (ModelCatalogue.Status s : models) {
      boolean loaded = s.state() == ModelCatalogue.State.READY;
      checks.add(
          new Check("model " + s.name() + " loaded", loaded, loaded ? "loaded" : describe(s)));
      checks.add(
          new Check(
              "model " + s.name() + " warm-up",
              loaded,
              loaded ? "answered a warm-up inference" : "not run"));
    }
    Report report = report(checks);
    if (report.up()) {
      started.set(true);
    }
    return report;
  }

  private static String describe(ModelCatalogue.Status s) {
    return s.state().name().toLowerCase(java.util.Locale.ROOT) + ": " + s.reason();
  }

  private static Report report(List<Check> checks) {
    return new Report(checks.stream().allMatch(Check::ok), checks);
  }
}
