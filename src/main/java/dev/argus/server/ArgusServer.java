package dev.argus.server;

import dev.argus.config.ArgusConfig;
import dev.argus.health.HealthService;
import dev.argus.model.ModelRuntime;
import dev.argus.model.onnx.OnnxModelRuntime;
import dev.argus.observe.LiveStats;
import dev.argus.observe.MemoryMonitor;
import dev.argus.observe.RecentRequests;
import dev.argus.observe.RequestSink;
import dev.argus.observe.ServerGauges;
import dev.argus.observe.capture.RequestCapture;
import dev.argus.transport.edge.RequestScopes;
import dev.argus.transport.grpc.GrpcServer;
import dev.argus.transport.http.HttpServer;
import dev.argus.transport.http.ServerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Argus as it runs: the {@link ArgusCore} with its transports in front (HTTP, and gRPC unless
 * {@code grpc.port} is 0). Starts them, and stops them in order: readiness turns false (HTTP probes
 * and gRPC health alike), both listeners stop accepting, requests and streams in flight finish
 * within the grace period, then queues drain and model sessions close.
 */
public final class ArgusServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ArgusServer.class);

  private final ArgusCore core;
  private final MemoryMonitor memory;
  private final HealthService health;
  private final RequestCapture capture;
  private final HttpServer http;
  private final Optional<GrpcServer> grpc;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CountDownLatch stoppedLatch = new CountDownLatch(1);

  private ArgusServer(ArgusConfig config, ModelRuntime runtime) {
    this.core = ArgusCore.create(config, runtime);
    ServerGauges.register(
        core.registry,
        config.metrics().prefix(),
        core.catalogue::queueReadings,
        core.slo,
        core.drift,
        core.tracing);
    this.memory =
        MemoryMonitor.start(
            core.metrics,
            config.memory().thresholdRatio(),
            config.memory().rssLimit(),
            config.memory().checkInterval());
    this.health = new HealthService(core.catalogue, config.models().readyRequiresAll());
    ServerInfo info = new ServerInfo("argus", version(), runtime.version());
    int payloadLimit =
        config.logging().logPayloads() ? (int) config.logging().payloadMaxBytes() : -1;
    // The console's state, fed from each request's record as its scope closes; off, nothing is.
    RecentRequests recent =
        new RecentRequests(config.slo(), config.tracing().enabled(), System::currentTimeMillis);
    LiveStats live = new LiveStats(System::currentTimeMillis);
    RequestSink sink =
        config.console().enabled() ? RequestSink.of(List.of(live, recent)) : RequestSink.NONE;
    this.capture = RequestCapture.start(config.capture(), config.slo(), core.metrics.capture());
    RequestScopes scopes = new RequestScopes(core.tracing, payloadLimit, sink, capture);
    this.http =
        new HttpServer(
            config,
            new HttpServer.Dependencies(
                info,
                core.service,
                core.catalogue,
                core.lifecycle,
                health,
                core.metrics,
                core.registry,
                core.slo,
                core.drift,
                core.statistics,
                scopes,
                recent,
                live));
    this.grpc =
        config.grpc().enabled()
            ? Optional.of(
                new GrpcServer(
                    config,
                    new GrpcServer.Dependencies(
                        info.name(),
                        info.version(),
                        core.service,
                        core.catalogue,
                        core.lifecycle,
                        health,
                        core.metrics,
                        scopes,
                        core.statistics)))
            : Optional.empty();
  }

  /** Builds and starts a server; models load in the background while it already answers. */
  public static ArgusServer start(ArgusConfig config) {
    return start(config, new OnnxModelRuntime());
  }

  /** Starts a server whose models load through {@code runtime}. */
  public static ArgusServer start(ArgusConfig config, ModelRuntime runtime) {
    ArgusServer server = new ArgusServer(config, runtime);
    server.http.start();
    server.grpc.ifPresent(GrpcServer::start);
    server.core.loadModels();
    server.grpc.ifPresent(GrpcServer::refreshHealth); // every model NOT_SERVING while it loads
    log.info(
        "argus {} listening on http://{}:{} serving models from {}",
        version(),
        config.server().host(),
        server.http.port(),
        server.core.catalogue.repository().root());
    server.grpc.ifPresent(
        g -> log.info("gRPC (Open Inference Protocol) on {}:{}", config.server().host(), g.port()));
    server
        .metricsPort()
        .ifPresent(p -> log.info("metrics on http://{}:{}/metrics", config.server().host(), p));
    return server;
  }

  public int port() {
    return http.port();
  }

  /** The gRPC port, when {@code grpc.port} is not 0. */
  public OptionalInt grpcPort() {
    return grpc.isPresent() ? OptionalInt.of(grpc.get().port()) : OptionalInt.empty();
  }

  /** The metrics port, when {@code metrics.port} puts metrics on a port of their own. */
  public OptionalInt metricsPort() {
    return http.metricsPort();
  }

  /** The port of the admin listener, when {@code admin.port} gives it one. */
  public OptionalInt adminPort() {
    return http.adminPort();
  }

  /** Waits until every model has finished loading (or failed); true if that happened in time. */
  public boolean awaitModelsLoaded(long timeout, TimeUnit unit) {
    return core.awaitModelsLoaded(timeout, unit);
  }

  /** Blocks until {@link #stop()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stoppedLatch.await();
  }

  /** Graceful stop; safe to call more than once and from a shutdown hook. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    log.info("stopping: readiness is now false");
    health.markDraining();
    grpc.ifPresent(GrpcServer::refreshHealth);
    long drainMillis = core.config.server().drainDelay().toMillis();
    if (drainMillis > 0) {
      log.info("waiting {} ms (server.drain_delay) for load balancers to notice", drainMillis);
      sleep(drainMillis);
    }
    // Both protocols stop accepting at once and drain side by side within server.shutdown_grace.
    long graceEnd = System.nanoTime() + core.config.server().shutdownGrace().toNanos();
    grpc.ifPresent(GrpcServer::beginShutdown);
    http.stop();
    grpc.ifPresent(g -> g.awaitTermination(Duration.ofNanos(graceEnd - System.nanoTime())));
    capture.close(); // after the listeners: the last answers are captured too
    memory.close();
    core.close();
    log.info("stopped");
    stoppedLatch.countDown();
  }

  @Override
  public void close() {
    stop();
  }

  /** The Argus version from the build. */
  public static String version() {
    try (InputStream in = ArgusServer.class.getResourceAsStream("/dev/argus/build.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
