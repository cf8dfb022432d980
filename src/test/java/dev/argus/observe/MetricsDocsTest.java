package dev.argus.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argus.testing.TestModels;
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
    List<String> catalogue = MetricCatalogue.names("");

    assertThat(documented).containsExactlyInAnyOrderElementsOf(catalogue);
  }

  @Test
  void prefixRenamesEveryArgusMetric() {
    List<String> names = MetricCatalogue.names("argus");

    assertThat(names).allSatisfy(n -> assertThat(n).startsWith("argus_"));
  }
}
