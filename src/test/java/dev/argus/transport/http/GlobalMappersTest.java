package dev.argus.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.mapper.MapperManager;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

/**
 * Helidon 4.4.0 builds a new MapperManager for every global lookup, which every typed header read
 * does (helidon-io/helidon#11383); HttpServer pins one instance before it serves. Without the pin
 * the two lookups below return different objects.
 */
class GlobalMappersTest {
  @Test
  void oneGlobalMapperManagerServesEveryTypedHeaderRead() {
    HttpServer.pinGlobalMappers();
    HttpServer.pinGlobalMappers(); // idempotent: the second call changes nothing
    assertThat(MapperManager.global()).isSameAs(MapperManager.global());

    WritableHeaders<?> headers = WritableHeaders.create();
    headers.set(HeaderNames.CONTENT_LENGTH, "1234");
    assertThat(headers.contentLength()).hasValue(1234);
  }
}
