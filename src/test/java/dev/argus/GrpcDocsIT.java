package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.argus.tensor.DataType;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.OnnxIdentity;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code grpcurl} examples of docs/grpc.md, sent as grpcurl would send them (the same proto3
 * JSON mapping, metadata and deadline) to a real server with reflection on, in the page's order:
 * each must succeed, so the page cannot drift from what the server takes.
 */
class GrpcDocsIT {
  static final String TOKEN = "grpc-docs-admin-token-0123";
  private static final Pattern COMMAND = Pattern.compile("^grpcurl .*$", Pattern.MULTILINE);
  private static final Pattern HEADER = Pattern.compile("-H ['\"]([^:'\"]+): ([^'\"]+)['\"]");
  private static final Pattern BODY = Pattern.compile("-d (?:'(.*?)'|\"((?:\\\\\"|[^\"])*)\") ");

  /** One grpcurl command of the page. */
  record Example(
      String line, String method, Map<String, String> headers, String json, long seconds) {}

  static List<Example> examples(String page, String image) {
    List<Example> out = new ArrayList<>();
    Matcher m = COMMAND.matcher(page);
    while (m.find()) {
      // The shell's substitutions come after parsing: the image's base64 is long for a regex.
      String line = m.group().replace("$ARGUS_ADMIN_TOKEN", TOKEN);
      String[] words = line.split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      Matcher h = HEADER.matcher(line);
      while (h.find()) {
        headers.put(h.group(1), h.group(2));
      }
      Matcher b = BODY.matcher(line);
      String json = null;
      if (b.find()) {
        json = b.group(1) != null ? b.group(1) : b.group(2).replace("\\\"", "\"");
        json = json.replace("$(base64 -w0 models/image-triage/test-images/meal_1.jpg)", image);
      }
      Matcher t = Pattern.compile("-max-time (\\d+)").matcher(line);
      long seconds = t.find() ? Long.parseLong(t.group(1)) : 30;
      out.add(new Example(line, words[words.length - 1], headers, json, seconds));
    }
    return out;
  }

  @Test
  void everyGrpcurlExampleOfTheGuideWorks(@TempDir Path repo) throws Exception {
    TestModels.addImageTriage(repo);
    OnnxIdentity.addTo(repo, "identity-fp32", DataType.FP32);
    String page = Files.readString(TestModels.projectRoot().resolve("docs/grpc.md"));
    String image =
        Base64.getEncoder()
            .encodeToString(
                Files.readAllBytes(
                    TestModels.bundledRepository().resolve("image-triage/test-images/meal_1.jpg")));
    List<Example> examples = examples(page, image);
    assertThat(examples).hasSizeGreaterThanOrEqualTo(8);
    Map<String, MethodDescriptor<?, ?>> methods = new LinkedHashMap<>();
    GRPCInferenceServiceGrpc.getServiceDescriptor()
        .getMethods()
        .forEach(d -> methods.put(d.getFullMethodName(), d));
    HealthGrpc.getServiceDescriptor()
        .getMethods()
        .forEach(d -> methods.put(d.getFullMethodName(), d));

    try (TestServer server =
            TestServer.start(repo, Map.of("grpc.reflection", "true", "admin.token", TOKEN));
        GrpcClient client = new GrpcClient(server.grpcPort())) {
      List<String> inferred = new ArrayList<>();
      for (Example e : examples) {
        if (e.json() == null) {
          assertThat(e.method()).as(e.line()).isEqualTo("list");
          assertThat(listServices(client))
              .contains("inference.GRPCInferenceService", "grpc.health.v1.Health");
          continue;
        }
        MethodDescriptor<?, ?> method = methods.get(e.method());
        assertThat(method).as(e.line()).isNotNull();
        Message answer = call(client, method, e);
        if (answer instanceof ModelInferResponse r) {
          inferred.add(r.getModelName());
        }
        if (answer instanceof ModelInferResponse r && r.getModelName().equals("identity-fp32")) {
          assertThat(r.getId()).isEqualTo("42");
          assertThat(r.getOutputs(0).getContents().getFp32ContentsList())
              .containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
        }
        if (answer instanceof ModelInferResponse r && r.getModelName().equals("image-triage")) {
          assertThat(r.getOutputs(0).getContents().getBytesContents(0).toStringUtf8())
              .isEqualTo("food");
        }
      }
      assertThat(inferred).containsExactly("identity-fp32", "image-triage");
    }
  }

  @SuppressWarnings("unchecked")
  private static <Q, A> Message call(GrpcClient client, MethodDescriptor<Q, A> method, Example e)
      throws Exception {
    var prototype =
        (Message)
            ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller())
                .getMessagePrototype();
    Message.Builder request = prototype.newBuilderForType();
    JsonFormat.parser().merge(e.json(), request);
    Metadata headers = new Metadata();
    e.headers().forEach((k, v) -> headers.put(GrpcClient.key(k), v));
    var channel =
        io.grpc.ClientInterceptors.intercept(
            client.channel(), MetadataUtils.newAttachHeadersInterceptor(headers));
    return (Message)
        ClientCalls.blockingUnaryCall(
            channel,
            method,
            CallOptions.DEFAULT.withDeadlineAfter(e.seconds(), TimeUnit.SECONDS),
            (Q) request.build());
  }

  /** What {@code grpcurl list} asks: the services, through reflection. */
  private static List<String> listServices(GrpcClient client) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(client.channel())
            .serverReflectionInfo(
                new StreamObserver<ServerReflectionResponse>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    names.complete(
                        r.getListServicesResponse().getServiceList().stream()
                            .map(ServiceResponse::getName)
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> result = names.get(30, TimeUnit.SECONDS);
    requests.onCompleted();
    return result;
  }
}
