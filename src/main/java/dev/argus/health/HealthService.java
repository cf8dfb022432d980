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
 *   <li>Readiness: the server is not draining, and at least one model serves ({@code
 *       models.ready_requires: any}, the default) or every model that is not unloaded serves
 *       ({@code all}). Models that do not serve are listed with the reason either way.
 *   <li>Startup: config is valid and every model has been tried: loaded and warmed up, or failed. A
 *       broken model does not fail startup (restarting would not fix its file); readiness says
 *       which and why. Once passed, it stays passed.
 * </ul>
 */
public final class HealthService {
  /** One named check. */
  public record Check(String name, boolean ok, String detail) {}

  /** The outcome of a probe, with every check; the failing ones say why. */
  public record Report(boolean up, List<Check> checks) {
    public Report {
      checks = List.copyOf(checks);
    }

    /** Details of the failing checks (an up report may have some: see readiness). */
    public List<String> reasons() {
      return checks.stream().filter(c -> !c.ok()).map(c -> c.name() + ": " + c.detail()).toList();
    }
  }

  private final ModelCatalogue catalogue;
  private final boolean requireAll;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param requireAll {@code models.ready_requires: all}
   */
  public HealthService(ModelCatalogue catalogue, boolean requireAll) {
    this.catalogue = catalogue;
    this.requireAll = requireAll;
  }

  /** Readiness turns false from now on: the server is about to stop. */
  public void markDraining() {
    draining.set(true);
  }

  /** True once the server has begun to stop. */
  public boolean isDraining() {
    return draining.get();
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
    boolean anyServes = false;
    boolean allServe = true;
    for (ModelCatalogue.Status s : models) {
      if (s.state() == ModelCatalogue.State.UNLOADED) {
        // Unloaded on purpose (repository API): not served, but no reason to leave the rotation.
        checks.add(new Check("model " + s.name(), true, "unloaded, not served"));
        continue;
      }
      boolean ok = s.state() == ModelCatalogue.State.READY;
      anyServes |= ok;
      allServe &= ok;
      String detail = "ready (version " + s.version() + ")";
      if (ok && !s.reason().isEmpty()) {
        detail += "; " + s.reason();
      }
      checks.add(new Check("model " + s.name(), ok, ok ? detail : describe(s)));
    }
    boolean serverOk = checks.get(0).ok() && !models.isEmpty();
    boolean modelsOk = requireAll ? allServe : anyServes;
    if (!models.isEmpty() && !modelsOk) {
      checks.add(
          new Check(
              "serving",
              false,
              requireAll
                  ? "not every model serves (models.ready_requires: all)"
                  : "no model serves (models.ready_requires: any)"));
    }
    return new Report(serverOk && modelsOk, checks);
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
      // Tried: loaded and warmed up, or failed (a broken file does not fail startup).
      boolean tried = s.state() != ModelCatalogue.State.LOADING;
      String detail =
          switch (s.state()) {
            case LOADING -> "loading";
            case FAILED -> "tried, failed: " + s.reason() + " (see /readyz)";
            default -> "loaded and answered a warm-up inference";
          };
      checks.add(new Check("model " + s.name(), tried, detail));
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
