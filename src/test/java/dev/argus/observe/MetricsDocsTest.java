package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.TestModels;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/metrics.md and the catalogue list the same metrics. */
class MetricsDocsTest {
  private static final Pattern ROW =
      Pattern.compile("^\\| `([a-z_]+)` \\| (counter|gauge|histogram|info) \\|", Pattern.MULTILINE);

  @Test
  void everyCatalogueMetricIsDocumentedAndEveryDocumentedMetricExists() throws Exception {
    String doc = Files.readString(TestModels.projectRoot().resolve("docs/metrics.md"));
    Set<String> documented = new HashSet<>();
    Matcher m = ROW.matcher(doc);
    while (m.find()) {
      documented.add(m.group(1));
    }
    List<String> catalogue =
        new Metrics(new PrometheusRegistry(), "", 100, "test", "1.0", List::of).names();

    assertThat(documented).containsExactlyInAnyOrderElementsOf(catalogue);
  }

  @Test
  void prefixRenamesEveryArgusMetric() {
    List<String> names =
        new Metrics(new PrometheusRegistry(), "argus", 100, "t", "1", List::of).names();

    assertThat(names).allSatisfy(n -> assertThat(n).startsWith("argus_"));
  }
}
