package dev.argus.observe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptureFormatTest {
  private static CapturedRequest request(String contentType, byte[] body, int cap) {
    return new CapturedRequest(
        1_700_000_000_123L,
        "abc",
        "0af7651916cd43dd8448eb211c80319c",
        "http",
        RequestCapture.SAMPLED,
        "POST",
        "/v2/models/m/infer",
        "/v2/models/{model}/infer",
        "m",
        "1",
        Map.of("content-type", contentType),
        CapturedRequest.Body.of(body, cap),
        new CapturedRequest.Response(
            200,
            "success",
            "",
            "",
            Map.of("content-type", "application/json"),
            CapturedRequest.Body.of("{\"outputs\":[]}".getBytes(StandardCharsets.UTF_8), cap),
            "cat",
            0.9,
            12.5,
            Map.of("compute", 3.0),
            1));
  }

  @Test
  void jsonBodiesAreKeptAsTextAndReadBack() {
    byte[] body = "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] file = CaptureFormat.write(request("application/json", body, 1024));

    assertThat(new String(file, StandardCharsets.UTF_8))
        .contains("\"body\":\"{\\\"inputs\\\":[]}\"");
    CapturedRequest back = CaptureFormat.read(file);
    assertThat(back.body().bytes()).isEqualTo(body);
    assertThat(back.response().body().bytes()).isEqualTo("{\"outputs\":[]}".getBytes());
    assertThat(back.response().confidence()).isEqualTo(0.9);
    assertThat(back.response().phasesMs()).containsEntry("compute", 3.0);
    assertThat(back.traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void binaryBodiesAreBase64AndALongBodyIsCutWithItsSize() {
    byte[] body = new byte[5000];
    body[0] = (byte) 0xff;
    CapturedRequest r = request("application/octet-stream", body, 1024);

    CapturedRequest back = CaptureFormat.read(CaptureFormat.write(r));

    assertThat(back.body().bytes()).hasSize(1024).startsWith((byte) 0xff);
    assertThat(back.body().size()).isEqualTo(5000);
    assertThat(back.body().truncated()).isTrue();
  }

  @Test
  void namesSortByArrival() {
    String early = CaptureFormat.fileName(request("", new byte[0], 1), 7);

    assertThat(early).isEqualTo("1700000000123-00000007-abc.json");
  }

  @Test
  void refusesAFileOfAnotherFormat() {
    assertThatThrownBy(() -> CaptureFormat.read("{\"format\":\"x\"}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: argus-capture/1");
  }
}
