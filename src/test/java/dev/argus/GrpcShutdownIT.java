package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.TestModels;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.InferTensorContents;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real server process while 20 gRPC calls and a stream are in flight: the gRPC port
 * stops accepting at once, and yet every call in flight completes OK with its answer and the open
 * stream keeps answering until its client ends it; then the process exits.
 */
class GrpcShutdownIT {
  private static final int IN_FLIGHT = 20;

  @TempDir Path dir;
  private Process process;

  @AfterEach
  void killLeftovers() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  /** What one call ended with: its status, and the label it got. */
  private record Ended(Status status, String label) {}

  @Test
  void sigtermLetsCallsAndStreamsInFlightFinishAndClosesThePort() throws Exception {
    int httpPort = freePort();
    int grpcPort = freePort();
    process = startServer(httpPort, grpcPort);
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> get(http, httpPort, "/readyz") == 200);
    byte[] photo = Files.readAllBytes(TestModels.labelledPhotos().get(0));
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .setModelName("image-triage")
            .addInputs(
                GrpcClient.tensor("image", "BYTES", new long[] {1})
                    .setContents(
                        InferTensorContents.newBuilder()
                            .addBytesContents(ByteString.copyFrom(photo))))
            .build();
    String expected = TestModels.expectedClass(TestModels.labelledPhotos().get(0));

    try (GrpcClient client = new GrpcClient(grpcPort)) {
      assertThat(label(client.stub().modelInfer(request))).isEqualTo(expected);

      // 20 calls started (headers sent, the server has them) whose message is not sent yet.
      List<ClientCall<ModelInferRequest, ModelInferResponse>> calls = new ArrayList<>();
      List<CompletableFuture<Ended>> ends = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        ClientCall<ModelInferRequest, ModelInferResponse> call =
            client
                .channel()
                .newCall(
                    GRPCInferenceServiceGrpc.getModelInferMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
        CompletableFuture<Ended> end = new CompletableFuture<>();
        StringBuilder got = new StringBuilder();
        call.start(
            new ClientCall.Listener<>() {
              @Override
              public void onMessage(ModelInferResponse r) {
                got.append(label(r));
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                end.complete(new Ended(status, got.toString()));
              }
            },
            new Metadata());
        call.request(1);
        calls.add(call);
        ends.add(end);
      }
      // A stream that has had one answer and stays open.
      LinkedBlockingQueue<ModelStreamInferResponse> streamed = new LinkedBlockingQueue<>();
      CompletableFuture<Status> streamEnd = new CompletableFuture<>();
      StreamObserver<ModelInferRequest> stream =
          GRPCInferenceServiceGrpc.newStub(client.channel())
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .modelStreamInfer(collect(streamed, streamEnd));
      stream.onNext(request);
      assertThat(streamed.poll(30, TimeUnit.SECONDS)).isNotNull();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> activeCalls(http, httpPort) >= IN_FLIGHT + 1);

      process.destroy(); // SIGTERM

      await().atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(grpcPort));
      for (ClientCall<ModelInferRequest, ModelInferResponse> call : calls) {
        call.sendMessage(request);
        call.halfClose();
      }
      for (int i = 0; i < 3; i++) {
        stream.onNext(request);
      }
      stream.onCompleted();

      for (CompletableFuture<Ended> end : ends) {
        Ended e = end.get(30, TimeUnit.SECONDS);
        assertThat(e.status().getCode()).as(e.status().toString()).isEqualTo(Status.Code.OK);
        assertThat(e.label()).isEqualTo(expected);
      }
      assertThat(streamEnd.get(30, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
      assertThat(streamed).hasSize(3).allSatisfy(a -> assertThat(a.getErrorMessage()).isEmpty());
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(dir.resolve("server.log")))
        .contains("readiness is now false", "stopped");
  }

  private static String label(ModelInferResponse r) {
    ByteString raw = r.getRawOutputContents(0);
    return raw.substring(4).toStringUtf8();
  }

  private static StreamObserver<ModelStreamInferResponse> collect(
      LinkedBlockingQueue<ModelStreamInferResponse> into, CompletableFuture<Status> end) {
    return new StreamObserver<>() {
      @Override
      public void onNext(ModelStreamInferResponse r) {
        into.add(r);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
      }
    };
  }

  private Process startServer(int httpPort, int grpcPort) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.argus.Main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(httpPort),
            "--grpc-port",
            String.valueOf(grpcPort),
            "--model-repository",
            TestModels.bundledRepository().toString());
    pb.environment().put("ARGUS_SERVER_SHUTDOWN_GRACE", "20s");
    pb.environment().put("ARGUS_LOGGING_FORMAT", "json");
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    return pb.start();
  }

  private static double activeCalls(HttpClient client, int port) throws Exception {
    String body =
        client
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/metrics?name%5B%5D=rpc_server_active_calls"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith("rpc_server_active_calls "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(0);
  }

  private static boolean refusesConnections(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int get(HttpClient client, int port, String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
