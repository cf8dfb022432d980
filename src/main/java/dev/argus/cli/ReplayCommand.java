package dev.argus.cli;

import dev.argus.config.Durations;
import dev.argus.replay.Replay;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code argus replay DIR --target URL}: replays captured requests and reports what changed. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the requests of a capture directory (capture.dir) against a running server and"
          + " report status, prediction and latency changes.",
      "Exit code: 0 within --max-changed-fraction, 1 past it, 2 for bad input."
    })
public final class ReplayCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The capture directory")
  Path dir;

  @Option(
      names = "--target",
      required = true,
      description = "The server to replay against, e.g. http://localhost:8080")
  String target;

  @Option(names = "--model", description = "Only requests for this model")
  String model;

  @Option(
      names = "--outcome",
      description = "Only requests that ended so: success, invalid_input, timeout, error, ...")
  String outcome;

  @Option(
      names = "--since",
      description =
          "Only requests from then on: an instant (2026-11-02T10:00:00Z) or a time ago (1h)")
  String since;

  @Option(names = "--until", description = "Only requests before then, as --since")
  String until;

  @Option(
      names = "--pace",
      defaultValue = "fast",
      description =
          "original (the captured gaps between requests) or fast (default: ${DEFAULT-VALUE})")
  String pace;

  @Option(
      names = "--concurrency",
      defaultValue = "4",
      description = "Requests in flight at most (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      description = "How long each request may take (default: ${DEFAULT-VALUE})")
  String timeout;

  @Option(
      names = "--max-changed-fraction",
      defaultValue = "0",
      description =
          "Exit 1 when more than this share of requests changed (default: ${DEFAULT-VALUE})")
  double maxChangedFraction;

  @Option(
      names = "--score-tolerance",
      defaultValue = "1e-4",
      description =
          "A score or tensor difference at most this is no change (default: ${DEFAULT-VALUE})")
  double scoreTolerance;

  @Option(names = "--json", description = "Also write the report as JSON to this file")
  Path json;

  @Option(
      names = "--format",
      defaultValue = "table",
      description = "table or json, what is printed (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() throws InterruptedException {
    var err = spec.commandLine().getErr();
    Replay.Options options;
    try {
      options =
          new Replay.Options(
              dir,
              target(target),
              Optional.ofNullable(model),
              Optional.ofNullable(outcome),
              Optional.ofNullable(since).map(s -> instant("--since", s)),
              Optional.ofNullable(until).map(s -> instant("--until", s)),
              switch (pace) {
                case "original" -> true;
                case "fast" -> false;
                default ->
                    throw new IllegalArgumentException(
                        "--pace: " + pace + " (expected: original or fast)");
              },
              concurrency,
              duration("--timeout", timeout),
              maxChangedFraction,
              scoreTolerance,
              Optional.ofNullable(json),
              switch (format) {
                case "json" -> true;
                case "table" -> false;
                default ->
                    throw new IllegalArgumentException(
                        "--format: " + format + " (expected: table or json)");
              });
    } catch (IllegalArgumentException e) {
      err.println("argus replay: " + e.getMessage());
      return 2;
    }
    return Replay.run(options, spec.commandLine().getOut(), err);
  }

  static URI target(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "--target: " + url + " (expected: a URL like http://host:8080)");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null
        || uri.getQuery() != null) {
      throw new IllegalArgumentException(
          "--target: "
              + url
              + " (expected: an http:// or https:// URL with a host, like http://host:8080)");
    }
    return uri;
  }

  private static Duration duration(String option, String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isZero()) {
        throw new IllegalArgumentException(option + ": " + text + " (expected: > 0)");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage());
    }
  }

  private static Instant instant(String option, String text) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return Instant.now().minus(Durations.parse(text));
      } catch (IllegalArgumentException notAnAge) {
        throw new IllegalArgumentException(
            option
                + ": "
                + text
                + " (expected: an instant like 2026-11-02T10:00:00Z or a time ago like 1h)");
      }
    }
  }
}
