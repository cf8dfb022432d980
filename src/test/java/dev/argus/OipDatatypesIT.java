package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.tensor.DataType;
import dev.argus.testing.OnnxIdentity;
import dev.argus.testing.TestServer;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every protocol datatype through a real ONNX Runtime session: one Identity model per type (written
 * by {@link OnnxIdentity}), sent as JSON and as binary data, must come back unchanged. ONNX
 * Runtime's Java API cannot create UINT16, UINT32 or UINT64 tensors, so those models are refused at
 * load with a reason that says so.
 */
class OipDatatypesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path repo;
  static TestServer server;

  /** JSON values per type, including the extremes of each range. */
  static final Map<DataType, String> VALUES =
      Map.ofEntries(
          Map.entry(DataType.BOOL, "[true, false, false, true]"),
          Map.entry(DataType.UINT8, "[0, 255, 7, 128]"),
          Map.entry(DataType.INT8, "[-128, 127, 0, -1]"),
          Map.entry(DataType.INT16, "[-32768, 32767, 0, 1]"),
          Map.entry(DataType.INT32, "[-2147483648, 2147483647, 0, 5]"),
          Map.entry(DataType.INT64, "[-9223372036854775808, 9223372036854775807, 0, 42]"),
          Map.entry(DataType.UINT16, "[0, 65535, 1, 2]"),
          Map.entry(DataType.UINT32, "[0, 4294967295, 1, 2]"),
          Map.entry(DataType.UINT64, "[0, 18446744073709551615, 1, 2]"),
          Map.entry(DataType.FP16, "[1.5, -2.0, 0.0, 65504.0]"),
          Map.entry(DataType.BF16, "[1.5, -2.0, 0.0, 256.0]"),
          Map.entry(DataType.FP32, "[1.5, -2.25, 0.0, 3.4028235E38]"),
          Map.entry(DataType.FP64, "[1.5E300, -2.5, 0.0, 1.0E-300]"),
          Map.entry(DataType.BYTES, "[\"a\", \"h\u00e9llo\", \"\", \"z\"]"));

  @BeforeAll
  static void start() {
    for (DataType type : DataType.values()) {
      OnnxIdentity.addTo(repo, name(type), type);
    }
    server = TestServer.start(repo, Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String name(DataType type) {
    return "identity-" + type.name().toLowerCase(Locale.ROOT);
  }

  static boolean runtimeCannotTake(DataType type) {
    return type == DataType.UINT16 || type == DataType.UINT32 || type == DataType.UINT64;
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void jsonRoundTrip(DataType type) throws Exception {
    String request =
        """
        {"id": "rt", "inputs": [{"name": "x", "datatype": "%s", "shape": [2, 2], "data": %s}]}\
        """
            .formatted(type.name(), VALUES.get(type));
    HttpResponse<String> r =
        OipItSupport.post(server, "/v2/models/" + name(type) + "/infer", request);
    if (runtimeCannotTake(type)) {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(TestServer.json(r).path("error").asText())
          .contains("cannot create " + type.name() + " input tensors");
      return;
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode out = TestServer.json(r).path("outputs").get(0);
    assertThat(out.path("name").asText()).isEqualTo("y");
    assertThat(out.path("datatype").asText()).isEqualTo(type.name());
    assertThat(out.path("shape").toString()).isEqualTo("[2,2]");
    JsonNode expected = JSON.readTree(VALUES.get(type));
    for (int i = 0; i < 4; i++) {
      JsonNode got = out.path("data").get(i);
      JsonNode want = expected.get(i);
      if (want.isNumber()) {
        assertThat(new BigDecimal(got.asText()))
            .as(type + "[" + i + "]")
            .isEqualByComparingTo(want.asText());
      } else {
        assertThat(got).as(type + "[" + i + "]").isEqualTo(want);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = DataType.class,
      names = {"UINT16", "UINT32", "UINT64"},
      mode = EnumSource.Mode.EXCLUDE)
  void binaryRoundTripReturnsTheSameBytes(DataType type) throws Exception {
    byte[] tensor = binary(type);
    String header =
        """
        {"inputs": [{"name": "x", "datatype": "%s", "shape": [2, 2], "parameters": {"binary_data_size": %d}}],
         "parameters": {"binary_data_output": true}}\
        """
            .formatted(type.name(), tensor.length);
    HttpResponse<byte[]> r =
        OipItSupport.postBinary(server, "/v2/models/" + name(type) + "/infer", header, tensor);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    int headerLength =
        Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
    JsonNode out = JSON.readTree(Arrays.copyOf(r.body(), headerLength)).path("outputs").get(0);
    assertThat(out.path("parameters").path("binary_data_size").asInt()).isEqualTo(tensor.length);
    assertThat(Arrays.copyOfRange(r.body(), headerLength, r.body().length)).isEqualTo(tensor);
  }

  /** The values of {@link #VALUES} in the binary extension's little-endian layout. */
  static byte[] binary(DataType type) throws Exception {
    JsonNode values = JSON.readTree(VALUES.get(type));
    if (type == DataType.BYTES) {
      ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
      for (JsonNode v : values) {
        byte[] b = v.asText().getBytes(StandardCharsets.UTF_8);
        buf.putInt(b.length).put(b);
      }
      return Arrays.copyOf(buf.array(), buf.position());
    }
    ByteBuffer buf = ByteBuffer.allocate(4 * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (JsonNode v : values) {
      switch (type) {
        case BOOL -> buf.put((byte) (v.asBoolean() ? 1 : 0));
        case UINT8, INT8 -> buf.put((byte) v.asInt());
        case INT16 -> buf.putShort((short) v.asInt());
        case INT32 -> buf.putInt(v.asInt());
        case INT64 -> buf.putLong(v.asLong());
        case FP16 -> buf.putShort(Float.floatToFloat16((float) v.asDouble()));
        case BF16 -> buf.putShort((short) (Float.floatToIntBits((float) v.asDouble()) >>> 16));
        case FP32 -> buf.putFloat((float) v.asDouble());
        case FP64 -> buf.putDouble(v.asDouble());
        default -> throw new IllegalArgumentException(type.name());
      }
    }
    return buf.array();
  }
}
