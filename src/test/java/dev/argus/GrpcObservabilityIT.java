package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.LogCapture;
import dev.argus.testing.OtlpReceiver;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gRPC request is observed as a REST one: its server span, exported to a real OTLP receiver, is a
 * child of the client's traceparent and carries the request id and the rpc.* attributes, with the
 * phase events on it; its canonical line says protocol=grpc; the metrics count it by method and
 * status code, with an exemplar of its trace.
 */
class GrpcObservabilityIT {
  private static final String CLIENT_TRACE = "5cf92f3577b34da6a3ce929d0e0e4737";
  private static final String CLIENT_SPAN = "10f067aa0ba902b8";
  private static final String CLIENT_PARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

  @TempDir static Path repo;
  static OtlpReceiver receiver;
  static TestServer server;
  static GrpcClient client;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("otel.bsp.schedule.delay", "50");
    TestModels.addMlp(repo);
    receiver = OtlpReceiver.start();
    server =
        TestServer.start(
            repo, Map.of("tracing.enabled", "true", "tracing.endpoint", receiver.endpoint()));
    client = new GrpcClient(server.grpcPort());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    receiver.close();
    System.clearProperty("otel.bsp.schedule.delay");
  }

  private static ModelInferRequest mlp() {
    return GrpcClient.rawFloats("mlp", "input", new long[] {1, 1024}, new float[1024]);
  }

  @Test
  void theServerSpanIsAChildOfTheClientsAndCarriesTheRequestId() {
    GrpcClient.Answer answer = new GrpcClient.Answer();
    client
        .stub(Map.of("traceparent", CLIENT_PARENT, "x-request-id", "grpc-traced-1"), answer)
        .modelInfer(mlp());

    String traceparent = answer.headers().get(GrpcClient.key("traceparent"));
    assertThat(traceparent).matches("00-" + CLIENT_TRACE + "-[0-9a-f]{16}-01");
    String serverSpanId = traceparent.split("-")[2];
    OtlpReceiver.Received span =
        await().atMost(Duration.ofSeconds(10)).until(() -> find(serverSpanId), s -> s != null);
    assertThat(span.traceId()).isEqualTo(CLIENT_TRACE);
    assertThat(span.parentSpanId()).isEqualTo(CLIENT_SPAN);
    assertThat(span.name()).isEqualTo("inference.GRPCInferenceService/ModelInfer");
    assertThat(span.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.attribute("argus.request_id")).hasValue("grpc-traced-1");
    assertThat(span.attribute("rpc.system")).hasValue("grpc");
    assertThat(span.attribute("rpc.service")).hasValue("inference.GRPCInferenceService");
    assertThat(span.attribute("rpc.method")).hasValue("ModelInfer");
    assertThat(span.attribute("rpc.grpc.status_code")).hasValue("0");
    assertThat(span.attribute("argus.model")).hasValue("mlp");
    assertThat(span.attribute("argus.outcome")).hasValue("success");
    assertThat(span.span().getEventsList())
        .extracting(io.opentelemetry.proto.trace.v1.Span.Event::getName)
        .containsSubsequence("decode", "preprocess", "queue", "postprocess");
  }

  @Test
  void eachRequestOfAStreamHasItsOwnSpanUnderTheClientsTrace() throws Exception {
    Metadata headers = new Metadata();
    headers.put(GrpcClient.key("traceparent"), CLIENT_PARENT);
    headers.put(GrpcClient.REQUEST_ID, "traced-stream");
    CountDownLatch done = new CountDownLatch(1);
    StreamObserver<ModelInferRequest> requests =
        GRPCInferenceServiceGrpc.newStub(client.channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .modelStreamInfer(
                new StreamObserver<ModelStreamInferResponse>() {
                  @Override
                  public void onNext(ModelStreamInferResponse r) {}

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                });
    requests.onNext(mlp());
    requests.onNext(mlp());
    requests.onCompleted();
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() ->
            assertThat(receiver.spans())
                .filteredOn(
                    s -> s.attribute("argus.request_id").orElse("").startsWith("traced-stream-"))
                .hasSize(2)
                .allSatisfy(s -> {
                  assertThat(s.traceId()).isEqualTo(CLIENT_TRACE);
                  assertThat(s.parentSpanId()).isEqualTo(CLIENT_SPAN);
                  assertThat(s.name()).isEqualTo("inference.GRPCInferenceService/ModelStreamInfer");
                }));
  }

  @Test
  void theCanonicalLineSaysGrpcWithTheStatusCodeAndPhases() {
    try (LogCapture logs = LogCapture.start()) {
      client.stub(Map.of("x-request-id", "grpc-line-1"), new GrpcClient.Answer()).modelInfer(mlp());
      assertThatThrownBy(() ->
              client
                  .stub(Map.of("x-request-id", "grpc-line-2"), new GrpcClient.Answer())
                  .modelInfer(mlp().toBuilder().setModelName("nope").build()))
          .isInstanceOf(StatusRuntimeException.class);

      JsonNode ok = canonical(logs, "grpc-line-1");
      assertThat(ok.path("message").asText()).startsWith("request_completed");
      assertThat(ok.path("protocol").asText()).isEqualTo("grpc");
      assertThat(ok.path("method").asText()).isEqualTo("inference.GRPCInferenceService/ModelInfer");
      assertThat(ok.path("route").asText()).isEqualTo("ModelInfer");
      assertThat(ok.path("status").asInt()).isZero();
      assertThat(ok.path("outcome").asText()).isEqualTo("success");
      assertThat(ok.path("model").asText()).isEqualTo("mlp");
      assertThat(ok.has("compute_ms")).isTrue();
      assertThat(ok.path("bytes_in").asLong()).isGreaterThan(4096);
      assertThat(ok.path("trace_id").asText()).hasSize(32);

      JsonNode failed = canonical(logs, "grpc-line-2");
      assertThat(failed.path("message").asText()).startsWith("request_failed");
      assertThat(failed.path("protocol").asText()).isEqualTo("grpc");
      assertThat(failed.path("status").asInt()).isEqualTo(5);
      assertThat(failed.path("error_type").asText()).isEqualTo("unknown_model");
    }
  }

  private static JsonNode canonical(LogCapture logs, String requestId) {
    List<JsonNode> lines =
        logs.linesOf(requestId).stream()
            .filter(l -> l.path("logger_name").asText().equals("dev.argus.access"))
            .toList();
    assertThat(lines).as("canonical lines of " + requestId).hasSize(1);
    return lines.get(0);
  }

  @Test
  void metricsCountRequestsByMethodAndStatusCodeWithAnExemplar() {
    client.stub().modelInfer(mlp());
    assertThatThrownBy(
            () -> client.stub().modelInfer(mlp().toBuilder().setModelName("nope").build()))
        .isInstanceOf(StatusRuntimeException.class);
    client
        .stub()
        .serverReady(dev.argus.transport.grpc.proto.ServerReadyRequest.getDefaultInstance());

    String text = server.get("/metrics").body();
    String ok = "rpc_method=\"ModelInfer\"";
    assertThat(
            GrpcStreamIT.sample(
                text,
                "rpc_server_requests_total",
                ok,
                "rpc_grpc_status_code=\"0\"",
                "rpc_system=\"grpc\"",
                "rpc_service=\"inference.GRPCInferenceService\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            GrpcStreamIT.sample(
                text, "rpc_server_requests_total", ok, "rpc_grpc_status_code=\"5\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            GrpcStreamIT.sample(
                text,
                "rpc_server_requests_total",
                "rpc_method=\"ServerReady\"",
                "rpc_grpc_status_code=\"0\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            GrpcStreamIT.sample(
                text, "rpc_server_errors_total", ok, "error_type=\"unknown_model\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            GrpcStreamIT.sample(
                text, "rpc_server_call_duration_seconds_count", ok, "rpc_grpc_status_code=\"0\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            GrpcStreamIT.sample(
                text, "inference_requests_total", "model=\"mlp\"", "outcome=\"success\""))
        .isGreaterThanOrEqualTo(1);

    String openMetrics =
        server
            .send(
                HttpRequest.newBuilder(server.uri("/metrics"))
                    .header("Accept", "application/openmetrics-text; version=1.0.0"))
            .body();
    assertThat(openMetrics)
        .containsPattern(
            "rpc_server_call_duration_seconds_bucket\\{[^}]*rpc_method=\"ModelInfer\"[^}]*\\} \\d+ # \\{[^}]*trace_id=\"[0-9a-f]{32}\"");
  }

  private static OtlpReceiver.Received find(String spanId) {
    return receiver.spans().stream()
        .filter(s -> s.spanId().equals(spanId))
        .findFirst()
        .orElse(null);
  }
}
