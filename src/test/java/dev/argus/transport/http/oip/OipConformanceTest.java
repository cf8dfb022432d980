package dev.argus.transport.http.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON examples of the Open Inference Protocol's REST specification (KServe "V2 inference
 * protocol", Triton's binary tensor extension), read and written by {@link OipRequestReader} and
 * {@link OipResponseWriter}.
 */
class OipConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NO_LIMIT = Long.MAX_VALUE;

  /** The specification's inference request example, verbatim. */
  private static final String SPEC_REQUEST =
      """
      {
        "id" : "42",
        "inputs" : [
          {
            "name" : "input0",
            "shape" : [ 2, 2 ],
            "datatype" : "UINT32",
            "data" : [ 1, 2, 3, 4 ]
          },
          {
            "name" : "input1",
            "shape" : [ 3 ],
            "datatype" : "BOOL",
            "data" : [ true ]
          }
        ],
        "outputs" : [
          {
            "name" : "output0"
          }
        ]
      }
      """;

  private static OipRequestReader.Request parse(String json) {
    return OipRequestReader.parse(json.getBytes(StandardCharsets.UTF_8), -1, NO_LIMIT);
  }

  @Test
  void theSpecRequestExampleIsReadExceptItsShortBoolData() {
    // As printed, input1 declares shape [3] but holds one element: the specification's own rule
    // (the element count must match the shape) refuses it, with a message that says so.
    assertThatThrownBy(() -> parse(SPEC_REQUEST))
        .isInstanceOf(ArgusException.InvalidInput.class)
        .hasMessageContaining("input 'input1' data holds 1 elements (expected: 3");

    OipRequestReader.Request r = parse(SPEC_REQUEST.replace("[ true ]", "[ true, false, true ]"));
    assertThat(r.id()).isEqualTo("42");
    Tensor input0 = r.inputs().get("input0");
    assertThat(input0.type()).isEqualTo(DataType.UINT32);
    assertThat(input0.shape()).isEqualTo(Shape.of(2, 2));
    assertThat((int[]) input0.data()).containsExactly(1, 2, 3, 4);
    assertThat((boolean[]) r.inputs().get("input1").data()).containsExactly(true, false, true);
    assertThat(r.outputNames()).containsExactly("output0");
    assertThat(r.binaryOutputs()).isFalse();
  }

  @Test
  void theSpecResponseExampleIsWrittenAsDocumented() throws Exception {
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    outputs.put(
        "output0",
        Tensor.ofFloats(Shape.of(3, 2), new float[] {1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f}));
    OipResponseWriter.Encoded e =
        OipResponseWriter.encode(
            "mymodel",
            "1",
            "42",
            outputs,
            parse(
                "{\"inputs\":[{\"name\":\"i\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}"));

    assertThat(e.headerLength()).isEqualTo(-1);
    JsonNode body = JSON.readTree(e.body());
    assertThat(body)
        .isEqualTo(
            JSON.readTree(
                """
                {"model_name": "mymodel", "model_version": "1", "id": "42",
                 "outputs": [{"name": "output0", "datatype": "FP32", "shape": [3, 2],
                              "data": [1.0, 1.1, 2.0, 2.1, 3.0, 3.1]}]}\
                """));
  }

  @Test
  void nestedRowMajorDataEqualsFlatData() {
    String nested =
        "{\"inputs\":[{\"name\":\"a\",\"shape\":[2,2],\"datatype\":\"INT32\",\"data\":[[1,2],[4,5]]}]}";
    String flat =
        "{\"inputs\":[{\"name\":\"a\",\"shape\":[2,2],\"datatype\":\"INT32\",\"data\":[1,2,4,5]}]}";

    assertThat((int[]) parse(nested).inputs().get("a").data())
        .containsExactly((int[]) parse(flat).inputs().get("a").data());
  }

  @Test
  void fieldsInAnyOrderAndClientExtrasAreAccepted() {
    // KServe's client sends model_name and id in the body; Triton's Java client "parameters": {}.
    OipRequestReader.Request r =
        parse(
            """
            {"model_name": "m", "inputs": [{"data": [[1, 2, 3]], "parameters": {}, "datatype": "INT64",
              "shape": [1, 3], "name": "ids"}], "id": 7, "parameters": {"binary_data_output": true}}\
            """);

    assertThat((long[]) r.inputs().get("ids").data()).containsExactly(1L, 2L, 3L);
    assertThat(r.id()).isEqualTo("7");
    assertThat(r.binaryOutputs()).isTrue();
    assertThat(r.outputs()).isEmpty();
  }

  @Test
  void uint64KeepsValuesAbove2To63Exactly() {
    OipRequestReader.Request r =
        parse(
            "{\"inputs\":[{\"name\":\"u\",\"shape\":[2],\"datatype\":\"UINT64\",\"data\":[18446744073709551615, 9223372036854775808]}]}");

    long[] v = (long[]) r.inputs().get("u").data();
    assertThat(Long.toUnsignedString(v[0])).isEqualTo("18446744073709551615");
    assertThat(Long.toUnsignedString(v[1])).isEqualTo("9223372036854775808");
  }

  /** Triton's binary tensor extension example: two inputs, one binary and one JSON output. */
  @Test
  void theBinaryExtensionExampleRoundTrips() throws Exception {
    String header =
        """
        {
        "model_name" : "mymodel",
        "inputs" : [
          { "name" : "input0", "shape" : [ 2, 2 ], "datatype" : "UINT32", "parameters" : { "binary_data_size" : 16 } },
          { "name" : "input1", "shape" : [ 3 ], "datatype" : "BOOL", "parameters" : { "binary_data_size" : 3 } }
        ],
        "outputs" : [
          { "name" : "output0", "parameters" : { "binary_data" : true } },
          { "name" : "output1" }
        ]
        }\
        """;
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer input0 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    input0.putInt(1).putInt(2).putInt(3).putInt(-1); // -1: 4294967295 as uint32
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(json);
    body.writeBytes(input0.array());
    body.writeBytes(new byte[] {1, 0, 1});

    OipRequestReader.Request r = OipRequestReader.parse(body.toByteArray(), json.length, NO_LIMIT);
    assertThat((int[]) r.inputs().get("input0").data()).containsExactly(1, 2, 3, -1);
    assertThat((boolean[]) r.inputs().get("input1").data()).containsExactly(true, false, true);

    Map<String, Tensor> outputs = new LinkedHashMap<>();
    float[] output0 = {1f, 1.1f, 2f, 2.1f, 3f, 3.1f};
    outputs.put("output0", Tensor.ofFloats(Shape.of(3, 2), output0));
    outputs.put("output1", Tensor.of(DataType.UINT32, Shape.of(2, 2), new int[] {1, 2, 3, -1}));
    OipResponseWriter.Encoded e = OipResponseWriter.encode("mymodel", "1", null, outputs, r);

    JsonNode responseHeader = JSON.readTree(Arrays.copyOf(e.body(), e.headerLength()));
    JsonNode out0 = responseHeader.path("outputs").get(0);
    assertThat(out0.path("parameters").path("binary_data_size").asInt()).isEqualTo(24);
    assertThat(out0.has("data")).isFalse();
    assertThat(responseHeader.path("outputs").get(1).path("data").toString())
        .isEqualTo("[1,2,3,4294967295]");
    float[] back = new float[6];
    ByteBuffer.wrap(e.body(), e.headerLength(), 24)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .get(back);
    assertThat(back).containsExactly(output0);
    assertThat(e.body().length).isEqualTo(e.headerLength() + 24);
  }

  @Test
  void malformedBinaryRequestsAreRefusedClearly() {
    byte[] header =
        "{\"inputs\":[{\"name\":\"a\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":8}}]}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] shortBody = Arrays.copyOf(header, header.length + 4);
    byte[] longBody = Arrays.copyOf(header, header.length + 12);
    for (Object[] c :
        List.of(
            new Object[] {header, 0, "Inference-Header-Content-Length: 0"},
            new Object[] {header, header.length + 1, "longer than the body"},
            new Object[] {shortBody, header.length, "runs past the end of the body"},
            new Object[] {
              longBody, header.length, "4 bytes of binary data after the JSON header"
            })) {
      assertThatThrownBy(() -> OipRequestReader.parse((byte[]) c[0], (int) c[1], NO_LIMIT))
          .isInstanceOf(ArgusException.InvalidInput.class)
          .hasMessageContaining((String) c[2]);
    }
    byte[] wrongSize =
        "{\"inputs\":[{\"name\":\"a\",\"shape\":[2],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":4}}]}"
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() ->
            OipRequestReader.parse(
                Arrays.copyOf(wrongSize, wrongSize.length + 4), wrongSize.length, NO_LIMIT))
        .hasMessageContaining("binary_data_size 4 (expected: 8 = 2 elements of 4 bytes)");
  }
}
