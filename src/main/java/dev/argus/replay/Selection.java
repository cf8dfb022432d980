package dev.argus.replay;

import dev.argus.observe.capture.CaptureFormat;
import dev.argus.observe.capture.CapturedRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The captured requests of a directory that pass the filters, oldest first. Only their files and
 * times are kept: each is read again when it is replayed, so a large capture is never all in
 * memory.
 */
final class Selection {
  /** Which captured requests to replay; empty filters pass everything. */
  record Filter(
      Optional<String> model,
      Optional<String> outcome,
      Optional<Instant> since,
      Optional<Instant> until) {
    boolean passes(CapturedRequest r) {
      Instant t = Instant.ofEpochMilli(r.timeMillis());
      return model.map(m -> m.equals(r.model())).orElse(true)
          && outcome.map(o -> o.equals(r.response().outcome())).orElse(true)
          && since.map(s -> !t.isBefore(s)).orElse(true)
          && until.map(u -> t.isBefore(u)).orElse(true);
    }
  }

  /** One captured request chosen. */
  record Selected(Path file, long timeMillis) {}

  private Selection() {}

  /**
   * The files of {@code dir} that pass {@code filter}, oldest first; files that are not captured
   * requests are named in {@code problems} and left out.
   */
  static List<Selected> select(Path dir, Filter filter, List<String> problems) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().endsWith(CaptureFormat.SUFFIX))
              .sorted()
              .toList();
    }
    List<Selected> selected = new ArrayList<>();
    for (Path f : files) {
      try {
        CapturedRequest r = CaptureFormat.read(Files.readAllBytes(f));
        if (filter.passes(r)) {
          selected.add(new Selected(f, r.timeMillis()));
        }
      } catch (IOException | IllegalArgumentException e) {
        problems.add(f.getFileName() + ": " + e.getMessage());
      }
    }
    selected.sort(Comparator.comparingLong(Selected::timeMillis).thenComparing(Selected::file));
    return selected;
  }
}
