package dev.argus.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code argus replay}: replays a capture directory against a server and reports what changed. Exit
 * codes: 0 when the changed share is within {@code maxChangedFraction}, 1 when it is not, 2 for bad
 * input (no such directory, nothing selected, a file that cannot be written).
 */
public final class Replay {
  /**
   * What to replay and how.
   *
   * @param target the server, {@code http://host:port} (captured paths are appended)
   * @param original true to keep the captured gaps between requests, false for as fast as possible
   * @param scoreTolerance a score or tensor difference at most this is no change
   * @param jsonFile where to write the JSON report too, if set
   * @param jsonOut true to print the JSON report instead of the table
   */
  public record Options(
      Path dir,
      URI target,
      Optional<String> model,
      Optional<String> outcome,
      Optional<Instant> since,
      Optional<Instant> until,
      boolean original,
      int concurrency,
      Duration timeout,
      double maxChangedFraction,
      double scoreTolerance,
      Optional<Path> jsonFile,
      boolean jsonOut) {
    public Options {
      if (concurrency < 1 || concurrency > 1024) {
        throw new IllegalArgumentException(
            "--concurrency: " + concurrency + " (expected: 1..1024)");
      }
      if (!(maxChangedFraction >= 0 && maxChangedFraction <= 1)) {
        throw new IllegalArgumentException(
            "--max-changed-fraction: " + maxChangedFraction + " (expected: 0..1)");
      }
      if (!(scoreTolerance >= 0)) {
        throw new IllegalArgumentException(
            "--score-tolerance: " + scoreTolerance + " (expected: >= 0, e.g. 1e-4)");
      }
    }
  }

  private Replay() {}

  /** Runs the replay; returns the exit code. */
  public static int run(Options o, PrintWriter out, PrintWriter err) throws InterruptedException {
    if (!Files.isDirectory(o.dir())) {
      err.println("argus replay: " + o.dir() + " is not a directory (expected: a capture.dir)");
      return 2;
    }
    List<String> problems = new ArrayList<>();
    List<Selection.Selected> selected;
    try {
      selected =
          Selection.select(
              o.dir(),
              new Selection.Filter(o.model(), o.outcome(), o.since(), o.until()),
              problems);
    } catch (IOException e) {
      err.println("argus replay: cannot read " + o.dir() + ": " + e.getMessage());
      return 2;
    }
    if (selected.isEmpty()) {
      err.println(
          "argus replay: no captured request in "
              + o.dir()
              + " matches the filters"
              + (problems.isEmpty() ? "" : " (" + problems.size() + " files not readable)"));
      return 2;
    }
    List<Replayer.Result> results =
        new Replayer(
                o.target(),
                o.original() ? Replayer.Pace.ORIGINAL : Replayer.Pace.FAST,
                o.concurrency(),
                o.timeout(),
                o.scoreTolerance())
            .run(selected);
    ReplayReport report =
        new ReplayReport(o.target().toString(), results, o.maxChangedFraction(), problems);
    if (o.jsonFile().isPresent()) {
      try {
        Files.write(o.jsonFile().get(), report.json());
      } catch (IOException e) {
        err.println("argus replay: cannot write " + o.jsonFile().get() + ": " + e.getMessage());
        return 2;
      }
    }
    if (o.jsonOut()) {
      out.println(new String(report.json(), java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
    } else {
      report.writeTable(out);
    }
    return report.passed() ? 0 : 1;
  }
}
