package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.ByteString;
import dev.argus.testing.GatedRuntime;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelRepositoryParameter;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import dev.argus.transport.grpc.proto.RepositoryModelLoadRequest;
import dev.argus.transport.grpc.proto.RepositoryModelUnloadRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams, deadlines, cancellation and health over gRPC against a started server whose mlp runs can
 * be held at a gate by the test ({@link GatedRuntime}): a request queued behind a held run can be
 * left to pass its deadline or be cancelled by its client, and its rows must never be computed.
 */
class GrpcStreamIT {
  static final String TOKEN = "grpc-stream-admin-token-01";
  @TempDir static Path repo;
  static final GatedRuntime runtime = new GatedRuntime();
  static TestServer server;
  static GrpcClient client;

  @BeforeAll
  static void start() {
    TestModels.addMlp(repo);
    TestModels.addImageTriage(repo); // still serving while mlp is unloaded: the server stays ready
    // One worker per model: a request behind a held run waits in the queue, not on a second worker.
    server =
        TestServer.start(
            repo, Map.of("admin.token", TOKEN, "batching.instances", "1"), runtime, true);
    client = new GrpcClient(server.grpcPort());
  }

  @AfterAll
  static void stop() {
    runtime.release();
    client.close();
    server.close();
  }

  /** An mlp request whose every element is {@code marker}, so its rows can be recognised. */
  static ModelInferRequest marked(float marker, String id) {
    float[] v = new float[1024];
    java.util.Arrays.fill(v, marker);
    return GrpcClient.rawFloats("mlp", "input", new long[] {1, 1024}, v).toBuilder()
        .setId(id)
        .build();
  }

  @Test
  void aStreamOf50RequestsGetsOneAnswerEachWithTheErrorsWhereTheyBelong() throws Exception {
    LinkedBlockingQueue<ModelStreamInferResponse> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Status> end = new CompletableFuture<>();
    Metadata headers = new Metadata();
    headers.put(GrpcClient.REQUEST_ID, "stream-1");
    StreamObserver<ModelInferRequest> requests =
        GRPCInferenceServiceGrpc.newStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .modelStreamInfer(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ModelStreamInferResponse r) {
                    answers.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    end.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    end.complete(Status.OK);
                  }
                });
    for (int i = 0; i < 50; i++) {
      ModelInferRequest ok = marked(100 + i, "r" + i);
      requests.onNext(
          switch (i % 5) {
            case 0 -> ok.toBuilder().setModelName("nope").build();
            case 1 ->
                ok.toBuilder()
                    .setInputs(0, GrpcClient.tensor("input", "FP32", new long[] {1, 512}))
                    .setRawInputContents(0, ByteString.copyFrom(new byte[2048]))
                    .build();
            case 2 ->
                ok.toBuilder().setRawInputContents(0, ByteString.copyFrom(new byte[10])).build();
            default -> ok;
          });
    }
    requests.onCompleted();

    assertThat(end.get(60, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
    assertThat(answers).hasSize(50);
    Map<String, ModelStreamInferResponse> byId = new java.util.HashMap<>();
    answers.forEach(a -> byId.put(a.getInferResponse().getId(), a));
    assertThat(byId).hasSize(50);
    for (int i = 0; i < 50; i++) {
      ModelStreamInferResponse a = byId.get("r" + i);
      String requestId = "(request id stream-1-" + (i + 1) + ")";
      switch (i % 5) {
        case 0 ->
            assertThat(a.getErrorMessage())
                .contains("Request for unknown model: 'nope'")
                .endsWith(requestId);
        case 1 ->
            assertThat(a.getErrorMessage()).contains("has shape [1, 512]").endsWith(requestId);
        case 2 ->
            assertThat(a.getErrorMessage())
                .contains("raw_input_contents holds 10 bytes")
                .endsWith(requestId);
        default -> {
          assertThat(a.getErrorMessage()).as("r" + i).isEmpty();
          ModelInferResponse r = a.getInferResponse();
          assertThat(r.getModelName()).isEqualTo("mlp");
          assertThat(r.getOutputs(0).getShapeList()).containsExactly(1L, 10L);
          assertThat(r.getRawOutputContents(0).size()).isEqualTo(40);
          assertThat(r.getParametersMap().get("server_timing").getStringParam())
              .contains("compute;dur=");
        }
      }
    }
    String metrics = server.get("/metrics").body();
    assertThat(sample(metrics, "rpc_server_stream_messages_total", "rpc_grpc_status_code=\"0\""))
        .isGreaterThanOrEqualTo(20);
    assertThat(sample(metrics, "rpc_server_stream_messages_total", "rpc_grpc_status_code=\"5\""))
        .isGreaterThanOrEqualTo(10);
    assertThat(sample(metrics, "rpc_server_stream_messages_total", "rpc_grpc_status_code=\"3\""))
        .isGreaterThanOrEqualTo(20);
  }

  @Test
  void aDeadlineThatPassesInTheQueueIsDeadlineExceededAndNeverComputed() throws Exception {
    runtime.hold();
    ListenableFuture<ModelInferResponse> first =
        GRPCInferenceServiceGrpc.newFutureStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .modelInfer(marked(1f, "held"));
    try {
      assertThat(runtime.awaitHeldRun(Duration.ofSeconds(30))).isTrue();
      double timeouts = outcomes("timeout");

      assertThatThrownBy(() ->
              client
                  .stub()
                  .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                  .modelInfer(marked(2f, "late")))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes("timeout") > timeouts);
    } finally {
      runtime.release();
    }
    assertThat(first.get(30, TimeUnit.SECONDS).getId()).isEqualTo("held");
    client.stub().modelInfer(marked(3f, "after"));
    assertThat(runtime.computedMarkers()).contains(1f, 3f).doesNotContain(2f);
  }

  @Test
  void aCallItsClientCancelsLeavesTheQueueBeforeCompute() throws Exception {
    runtime.hold();
    ListenableFuture<ModelInferResponse> first =
        GRPCInferenceServiceGrpc.newFutureStub(client.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .modelInfer(marked(4f, "held"));
    double cancelled = outcomes("cancelled");
    try {
      assertThat(runtime.awaitHeldRun(Duration.ofSeconds(30))).isTrue();
      ListenableFuture<ModelInferResponse> doomed =
          GRPCInferenceServiceGrpc.newFutureStub(client.channel())
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .modelInfer(marked(5f, "doomed"));
      await().atMost(Duration.ofSeconds(30)).until(() -> queueDepth() == 1);

      doomed.cancel(true);

      // The server gives up on it at once, though a worker has not looked at the queue yet.
      await().atMost(Duration.ofSeconds(30)).until(() -> outcomes("cancelled") > cancelled);
    } finally {
      runtime.release();
    }
    assertThat(first.get(30, TimeUnit.SECONDS).getId()).isEqualTo("held");
    client.stub().modelInfer(marked(6f, "after"));
    assertThat(runtime.computedMarkers()).contains(4f, 6f).doesNotContain(5f);
    assertThat(queueDepth()).isZero();
    assertThat(
            TestServer.json(server.get("/v2/models/mlp/stats"))
                .path("model_stats")
                .get(0)
                .path("cancelled_count")
                .asLong())
        .isPositive();
  }

  @Test
  void healthWatchFlipsWhenTheModelIsUnloadedAndBackWhenLoaded() throws Exception {
    LinkedBlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
    CountDownLatch done = new CountDownLatch(1);
    var watch = io.grpc.Context.current().withCancellation();
    watch.run(() ->
        HealthGrpc.newStub(client.channel())
            .watch(
                HealthCheckRequest.newBuilder().setService("mlp").build(),
                new StreamObserver<>() {
                  @Override
                  public void onNext(HealthCheckResponse r) {
                    statuses.add(r.getStatus());
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    done.countDown();
                  }
                }));
    try {
      // The first status comes from the last refresh, which may predate the model's load.
      await().atMost(Duration.ofSeconds(30)).until(() -> statuses.take() == ServingStatus.SERVING);
      var admin = client.stub(Map.of("authorization", "Bearer " + TOKEN), new GrpcClient.Answer());
      admin.repositoryModelUnload(
          RepositoryModelUnloadRequest.newBuilder().setModelName("mlp").build());
      assertThat(statuses.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      assertThat(
              HealthGrpc.newBlockingStub(client.channel())
                  .check(HealthCheckRequest.newBuilder().setService("").build())
                  .getStatus())
          .as("an unloaded model leaves the server ready")
          .isEqualTo(ServingStatus.SERVING);

      admin.repositoryModelLoad(
          RepositoryModelLoadRequest.newBuilder().setModelName("mlp").build());
      assertThat(statuses.poll(30, TimeUnit.SECONDS)).isEqualTo(ServingStatus.SERVING);
    } finally {
      watch.cancel(null);
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void repositoryRpcsFollowTheAdminTokenRules() {
    RepositoryModelLoadRequest load =
        RepositoryModelLoadRequest.newBuilder().setModelName("mlp").build();
    assertCode(
        () -> client.stub().repositoryModelLoad(load),
        Status.Code.UNAUTHENTICATED,
        "no admin token");
    assertCode(
        () ->
            client
                .stub(
                    Map.of("authorization", "Bearer wrong-token-wrong-token"),
                    new GrpcClient.Answer())
                .repositoryModelLoad(load),
        Status.Code.PERMISSION_DENIED,
        "not the admin token");
    assertCode(
        () ->
            client
                .stub(Map.of("authorization", "Bearer " + TOKEN), new GrpcClient.Answer())
                .repositoryModelLoad(load.toBuilder().setModelName("no-such-folder").build()),
        Status.Code.NOT_FOUND,
        "'no-such-folder' is not found");
    assertCode(
        () ->
            client
                .stub(Map.of("authorization", "Bearer " + TOKEN), new GrpcClient.Answer())
                .repositoryModelLoad(
                    load.toBuilder()
                        .putParameters(
                            "config",
                            ModelRepositoryParameter.newBuilder().setStringParam("{}").build())
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "are not supported");
  }

  private static void assertCode(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(message).contains("(request id ");
            });
  }

  private static double outcomes(String outcome) {
    return sample(
        server.get("/metrics").body(),
        "inference_requests_total",
        "model=\"mlp\"",
        "outcome=\"" + outcome + "\"");
  }

  private static double queueDepth() {
    return sample(server.get("/metrics").body(), "inference_queue_depth", "model=\"mlp\"");
  }

  /** The value of the series of {@code name} whose labels include every one of {@code labels}. */
  static double sample(String exposition, String name, String... labels) {
    for (String line : exposition.lines().toList()) {
      if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
