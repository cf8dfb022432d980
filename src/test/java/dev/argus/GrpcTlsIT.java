package dev.argus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argus.testing.ExternalTools;
import dev.argus.testing.GrpcClient;
import dev.argus.testing.TestModels;
import dev.argus.testing.TestServer;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code tls.cert_file} and {@code tls.key_file}, the gRPC port serves TLS only. */
class GrpcTlsIT {
  @Test
  void grpcServesTlsWithTheServersCertificateAndRefusesPlaintext(@TempDir Path dir)
      throws Exception {
    Path openssl = ExternalTools.require("openssl", "openssl");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process p =
        new ProcessBuilder(
                openssl.toString(),
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    Path repo = dir.resolve("repo");
    TestModels.addMlp(repo);

    try (TestServer server =
        TestServer.start(
            repo, Map.of("tls.cert_file", cert.toString(), "tls.key_file", key.toString()))) {
      ManagedChannel tls =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1",
                  server.grpcPort(),
                  TlsChannelCredentials.newBuilder().trustManager(cert.toFile()).build())
              .build();
      try {
        assertThat(
                GRPCInferenceServiceGrpc.newBlockingStub(tls)
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .serverReady(ServerReadyRequest.getDefaultInstance())
                    .getReady())
            .isTrue();
      } finally {
        tls.shutdownNow();
      }
      try (GrpcClient plaintext = new GrpcClient(server.grpcPort())) {
        assertThatThrownBy(() ->
                plaintext
                    .stub()
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .serverReady(ServerReadyRequest.getDefaultInstance()))
            .isInstanceOf(StatusRuntimeException.class);
      }
    }
  }
}
