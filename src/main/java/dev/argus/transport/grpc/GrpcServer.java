package dev.argus.transport.grpc;

import dev.argus.config.ArgusConfig;
import dev.argus.health.HealthService;
import dev.argus.observe.Metrics;
import dev.argus.service.InferenceService;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ModelLifecycle;
import dev.argus.transport.edge.AdminToken;
import dev.argus.transport.edge.RateLimiter;
import dev.argus.transport.edge.RequestScopes;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of Argus on {@code grpc.port}: {@code inference.GRPCInferenceService}, {@code
 * grpc.health.v1.Health} and, with {@code grpc.reflection}, server reflection, on Netty, each call
 * handled on a virtual thread (handlers block on the model as HTTP's do). Stopping is two steps so
 * both protocols drain at once: {@link #beginShutdown()} refuses new calls and closes the port's
 * listener, {@link #awaitTermination} lets calls and streams in flight finish within the grace.
 */
public final class GrpcServer {
  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

  /** What the gRPC services use. */
  public record Dependencies(
      String name,
      String version,
      InferenceService service,
      ModelCatalogue catalogue,
      ModelLifecycle lifecycle,
      HealthService health,
      Metrics metrics,
      RequestScopes scopes,
      InferenceStatistics statistics) {}

  private final ArgusConfig config;
  private final HealthPublisher healthStatuses;
  private final ExecutorService executor =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("argus-grpc-", 0).factory());
  private final Server server;

  public GrpcServer(ArgusConfig config, Dependencies d) {
    this.config = config;
    this.healthStatuses = new HealthPublisher(d.health(), d.catalogue());
    GrpcEdge edge = new GrpcEdge(d.scopes(), d.metrics().rpc(), config.server().requestTimeout());
    InferenceRpcs rpcs =
        new InferenceRpcs(
            edge,
            new InferenceRpcs.Dependencies(
                d.name(),
                d.version(),
                d.service(),
                d.catalogue(),
                d.lifecycle(),
                d.health(),
                new AdminToken(config.admin().resolveToken()),
                new RateLimiter(config.rateLimit(), System::nanoTime, route -> {}),
                config.limits().maxTensorElements(),
                d.statistics()),
            healthStatuses);
    // Parsing inside CallHeaders, not before it, so a malformed message is the client's error.
    ServerServiceDefinition inference =
        ServerInterceptors.intercept(
            ServerInterceptors.useInputStreamMessages(rpcs.bindService()),
            new CallHeaders(d.scopes(), d.metrics().rpc()));
    List<ServerServiceDefinition> services = new java.util.ArrayList<>();
    services.add(inference);
    services.add(healthStatuses.service().bindService());
    if (config.grpc().reflection()) {
      services.add(ProtoReflectionServiceV1.newInstance().bindService());
      services.add(reflectionV1Alpha());
    }
    Set<String> known = new HashSet<>();
    services.forEach(s -> {
      for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
        known.add(m.getMethodDescriptor().getFullMethodName());
      }
    });
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(config.server().host(), config.grpc().bindPort()))
            .executor(executor)
            .maxInboundMessageSize((int) config.grpc().maxMessageSize())
            .maxInboundMetadataSize((int) config.server().maxHeaderBytes())
            .addStreamTracerFactory(
                new CallTracer(
                    known,
                    Set.of(GRPCInferenceServiceGrpc.SERVICE_NAME),
                    d.metrics().rpc(),
                    d.scopes()));
    services.forEach(builder::addService);
    if (config.tls().enabled()) {
      builder.useTransportSecurity(
          new File(config.tls().certFile()), new File(config.tls().keyFile()));
    }
    this.server = builder.build();
  }

  /** grpcurl before 1.8.8 and some other tools know only the v1alpha reflection service. */
  @SuppressWarnings("deprecation")
  private static ServerServiceDefinition reflectionV1Alpha() {
    return ProtoReflectionService.newInstance().bindService();
  }

  /** Binds the port and starts serving; health statuses follow readiness from now on. */
  public void start() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "grpc.port: cannot listen on "
              + config.server().host()
              + ":"
              + config.grpc().bindPort()
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    healthStatuses.start();
  }

  /** The bound port (useful with {@code grpc.port: -1}). */
  public int port() {
    return server.getPort();
  }

  /** Publishes readiness now (the server began to drain) rather than at the next refresh. */
  public void refreshHealth() {
    healthStatuses.refresh();
  }

  /** Every health status NOT_SERVING, new calls refused, the listener closed; calls go on. */
  public void beginShutdown() {
    healthStatuses.stopping();
    server.shutdown();
  }

  /**
   * Waits up to {@code grace} for calls and streams in flight to finish, then cancels what is left.
   */
  public void awaitTermination(Duration grace) {
    try {
      if (!server.awaitTermination(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS)) {
        log.warn("gRPC calls still running after the shutdown grace of {}: cancelling them", grace);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
      executor.shutdown();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
