package dev.argus.transport.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "abc-123", "trace:0af7651916cd43dd", "v1.2_x"})
  void acceptsSaneIds(String id) {
    assertThat(RequestIds.accept(Optional.of(id))).contains(id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "new\nline", "cr\rlf", "quote\"", "<script>", "ünïcode"})
  void refusesOthers(String id) {
    assertThat(RequestIds.accept(Optional.of(id))).isEmpty();
  }

  @Test
  void refusesOverlongIds() {
    assertThat(RequestIds.accept(Optional.of("x".repeat(128)))).isPresent();
    assertThat(RequestIds.accept(Optional.of("x".repeat(129)))).isEmpty();
  }

  @Test
  void generatesDistinctHexIds() {
    assertThat(RequestIds.generate()).matches("[0-9a-f]{32}").isNotEqualTo(RequestIds.generate());
  }
}
