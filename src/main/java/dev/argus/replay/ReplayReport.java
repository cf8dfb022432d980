package dev.argus.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.observe.capture.CapturedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of a replay, per request and in total: status and prediction changes, the largest
 * score and tensor differences, and latency percentiles of the replay beside the captured ones
 * (captured: the server's arrival-to-answer time; replay: the client's send-to-answer time).
 */
final class ReplayReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String target;
  private final List<Replayer.Result> results;
  private final double maxChangedFraction;
  private final List<String> problems;
  private final int replayed;
  private final int changed;
  private final int statusChanges;
  private final int predictionChanges;
  private final int skipped;
  private final double maxScoreDelta;
  private final double maxAbsDiff;

  ReplayReport(
      String target,
      List<Replayer.Result> results,
      double maxChangedFraction,
      List<String> problems) {
    this.target = target;
    this.results = List.copyOf(results);
    this.maxChangedFraction = maxChangedFraction;
    this.problems = List.copyOf(problems);
    int rep = 0, ch = 0, st = 0, pr = 0, sk = 0;
    double score = 0, diff = 0;
    for (Replayer.Result r : results) {
      if (r.skipped()) {
        sk++;
        continue;
      }
      rep++;
      ch += r.changed() ? 1 : 0;
      st += r.status() < 0 || r.diff().statusChanged() ? 1 : 0;
      if (r.diff() != null) {
        pr += r.diff().predictionChanged() ? 1 : 0;
        score =
            Double.isNaN(r.diff().maxScoreDelta())
                ? score
                : Math.max(score, r.diff().maxScoreDelta());
        diff = Double.isNaN(r.diff().maxAbsDiff()) ? diff : Math.max(diff, r.diff().maxAbsDiff());
      }
    }
    replayed = rep;
    changed = ch;
    statusChanges = st;
    predictionChanges = pr;
    skipped = sk;
    maxScoreDelta = score;
    maxAbsDiff = diff;
  }

  /** Changed requests ÷ replayed requests (0 when none was replayed). */
  double changedFraction() {
    return replayed == 0 ? 0 : (double) changed / replayed;
  }

  /** True when the changes stay within {@code --max-changed-fraction}. */
  boolean passed() {
    return changedFraction() <= maxChangedFraction;
  }

  /** The value at percentile {@code p} (nearest rank) of {@code values}, NaN for none. */
  static double percentile(double[] values, double p) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  private double[] latencies(boolean captured) {
    return results.stream()
        .filter(r -> !r.skipped() && r.status() >= 0)
        .mapToDouble(r -> captured ? r.captured().response().durationMs() : r.replayMs())
        .toArray();
  }

  void writeTable(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-36s %-14s %-6s %-6s %-8s %-22s %10s %10s %9s %9s  %s%n",
        "request_id",
        "model",
        "before",
        "after",
        "changed",
        "top-1",
        "score_d",
        "tensor_d",
        "then_ms",
        "now_ms",
        "note");
    for (Replayer.Result r : results) {
      CapturedRequest c = r.captured();
      Comparison.Diff d = r.diff();
      String top1 =
          d == null || d.top1Before().isEmpty()
              ? ""
              : d.top1Before() + (d.top1Before().equals(d.top1After()) ? "" : "->" + d.top1After());
      out.printf(
          Locale.ROOT,
          "%-36s %-14s %-6s %-6s %-8s %-22s %10s %10s %9s %9s  %s%n",
          c == null ? r.file() : cut(c.requestId(), 36),
          c == null ? "" : cut(c.model(), 14),
          c == null ? "" : c.response().status(),
          r.skipped() ? "-" : r.status() < 0 ? "none" : r.status(),
          r.skipped() ? "skipped" : r.changed() ? "CHANGED" : "same",
          cut(top1, 22),
          d == null ? "" : number(d.maxScoreDelta()),
          d == null ? "" : number(d.maxAbsDiff()),
          c == null ? "" : number(c.response().durationMs()),
          number(r.replayMs()),
          r.note());
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "%d replayed against %s, %d skipped: %d changed (%.2f%%; allowed %.2f%%), %d status changes,"
            + " %d prediction changes, max score delta %s, max tensor difference %s%n",
        replayed,
        target,
        skipped,
        changed,
        changedFraction() * 100,
        maxChangedFraction * 100,
        statusChanges,
        predictionChanges,
        number(maxScoreDelta),
        number(maxAbsDiff));
    double[] then = latencies(true);
    double[] now = latencies(false);
    out.printf(Locale.ROOT, "%-12s %9s %9s %9s%n", "latency ms", "p50", "p95", "p99");
    out.printf(
        Locale.ROOT,
        "%-12s %9s %9s %9s%n",
        "captured",
        number(percentile(then, 50)),
        number(percentile(then, 95)),
        number(percentile(then, 99)));
    out.printf(
        Locale.ROOT,
        "%-12s %9s %9s %9s%n",
        "replay",
        number(percentile(now, 50)),
        number(percentile(now, 95)),
        number(percentile(now, 99)));
    problems.forEach(p -> out.println("not read: " + p));
    out.println(
        passed() ? "PASS" : "FAIL: more requests changed than --max-changed-fraction allows");
    out.flush();
  }

  byte[] json() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(bytes).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      g.writeStringField("target", target);
      g.writeNumberField("replayed", replayed);
      g.writeNumberField("skipped", skipped);
      g.writeNumberField("changed", changed);
      g.writeNumberField("changed_fraction", changedFraction());
      g.writeNumberField("max_changed_fraction", maxChangedFraction);
      g.writeBooleanField("passed", passed());
      g.writeNumberField("status_changes", statusChanges);
      g.writeNumberField("prediction_changes", predictionChanges);
      number(g, "max_score_delta", maxScoreDelta);
      number(g, "max_abs_diff", maxAbsDiff);
      g.writeObjectFieldStart("latency_ms");
      percentiles(g, "captured", latencies(true));
      percentiles(g, "replay", latencies(false));
      g.writeEndObject();
      g.writeArrayFieldStart("not_read");
      for (String p : problems) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("requests");
      for (Replayer.Result r : results) {
        writeResult(g, r);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeResult(JsonGenerator g, Replayer.Result r) throws IOException {
    CapturedRequest c = r.captured();
    Comparison.Diff d = r.diff();
    g.writeStartObject();
    g.writeStringField("file", r.file());
    if (c != null) {
      g.writeStringField("request_id", c.requestId());
      g.writeStringField("trace_id", c.traceId());
      g.writeStringField("model", c.model());
      g.writeStringField("method", c.method());
      g.writeStringField("path", c.path());
      g.writeNumberField("captured_status", c.response().status());
      number(g, "captured_ms", c.response().durationMs());
    }
    g.writeBooleanField("skipped", r.skipped());
    if (!r.skipped()) {
      g.writeNumberField("status", r.status());
      g.writeBooleanField("changed", r.changed());
      number(g, "replay_ms", r.replayMs());
    }
    if (d != null) {
      g.writeStringField("kind", d.kind());
      g.writeBooleanField("status_changed", d.statusChanged());
      g.writeBooleanField("prediction_changed", d.predictionChanged());
      if (!d.top1Before().isEmpty()) {
        g.writeStringField("top1_before", d.top1Before());
        g.writeStringField("top1_after", d.top1After());
      }
      number(g, "max_score_delta", d.maxScoreDelta());
      number(g, "max_abs_diff", d.maxAbsDiff());
    }
    g.writeStringField("note", r.note());
    g.writeEndObject();
  }

  private static void percentiles(JsonGenerator g, String name, double[] values)
      throws IOException {
    g.writeObjectFieldStart(name);
    number(g, "p50", percentile(values, 50));
    number(g, "p95", percentile(values, 95));
    number(g, "p99", percentile(values, 99));
    g.writeEndObject();
  }

  /** NaN as null and infinity as a string: JSON has neither. */
  private static void number(JsonGenerator g, String name, double v) throws IOException {
    if (Double.isNaN(v)) {
      g.writeNullField(name);
    } else if (Double.isInfinite(v)) {
      g.writeStringField(name, "Infinity");
    } else {
      g.writeNumberField(name, v);
    }
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Double.isInfinite(v)) {
      return "inf";
    }
    return v != 0 && Math.abs(v) < 0.001
        ? String.format(Locale.ROOT, "%.2e", v)
        : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String cut(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }
}
