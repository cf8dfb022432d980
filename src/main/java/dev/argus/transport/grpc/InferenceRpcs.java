package dev.argus.transport.grpc;

import dev.argus.health.HealthService;
import dev.argus.service.ArgusException;
import dev.argus.service.InferResult;
import dev.argus.service.InferenceService;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ModelLifecycle;
import dev.argus.service.ServingModel;
import dev.argus.tensor.Tensor;
import dev.argus.transport.edge.AdminToken;
import dev.argus.transport.edge.RateLimiter;
import dev.argus.transport.edge.ServerTiming;
import dev.argus.transport.grpc.proto.GRPCInferenceServiceGrpc;
import dev.argus.transport.grpc.proto.ModelConfigRequest;
import dev.argus.transport.grpc.proto.ModelConfigResponse;
import dev.argus.transport.grpc.proto.ModelInferRequest;
import dev.argus.transport.grpc.proto.ModelInferResponse;
import dev.argus.transport.grpc.proto.ModelMetadataRequest;
import dev.argus.transport.grpc.proto.ModelMetadataResponse;
import dev.argus.transport.grpc.proto.ModelReadyRequest;
import dev.argus.transport.grpc.proto.ModelReadyResponse;
import dev.argus.transport.grpc.proto.ModelStatisticsRequest;
import dev.argus.transport.grpc.proto.ModelStatisticsResponse;
import dev.argus.transport.grpc.proto.ModelStreamInferResponse;
import dev.argus.transport.grpc.proto.RepositoryIndexRequest;
import dev.argus.transport.grpc.proto.RepositoryIndexResponse;
import dev.argus.transport.grpc.proto.RepositoryModelLoadRequest;
import dev.argus.transport.grpc.proto.RepositoryModelLoadResponse;
import dev.argus.transport.grpc.proto.RepositoryModelUnloadRequest;
import dev.argus.transport.grpc.proto.RepositoryModelUnloadResponse;
import dev.argus.transport.grpc.proto.ServerLiveRequest;
import dev.argus.transport.grpc.proto.ServerLiveResponse;
import dev.argus.transport.grpc.proto.ServerMetadataRequest;
import dev.argus.transport.grpc.proto.ServerMetadataResponse;
import dev.argus.transport.grpc.proto.ServerReadyRequest;
import dev.argus.transport.grpc.proto.ServerReadyResponse;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code inference.GRPCInferenceService}: every RPC runs through {@link GrpcEdge} (scope, errors,
 * metrics) into the same service, catalogue and lifecycle the REST protocol uses; this class only
 * turns messages into calls and answers back.
 */
final class InferenceRpcs extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  static final List<String> EXTENSIONS =
      List.of("model_repository", "model_configuration", "statistics");
  private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(5);

  /** What the RPCs use, each given exactly what it needs. */
  record Dependencies(
      String name,
      String version,
      InferenceService service,
      ModelCatalogue catalogue,
      ModelLifecycle lifecycle,
      HealthService health,
      AdminToken admin,
      RateLimiter limiter,
      long maxTensorElements,
      InferenceStatistics statistics) {}

  private final GrpcEdge edge;
  private final Dependencies d;
  private final HealthPublisher healthStatuses;

  InferenceRpcs(GrpcEdge edge, Dependencies d, HealthPublisher healthStatuses) {
    this.edge = edge;
    this.d = d;
    this.healthStatuses = healthStatuses;
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> ServerLiveResponse.newBuilder().setLive(d.health().liveness().up()).build());
  }

  @Override
  public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> ServerReadyResponse.newBuilder().setReady(d.health().readiness().up()).build());
  }

  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) ->
            ModelReadyResponse.newBuilder()
                .setReady(d.catalogue().isReady(r.getName(), version(r.getVersion())))
                .build());
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) ->
            ServerMetadataResponse.newBuilder()
                .setName(d.name())
                .setVersion(d.version())
                .addAllExtensions(EXTENSIONS)
                .build());
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) ->
            ModelDescriptions.metadata(
                d.catalogue().serving(r.getName(), version(r.getVersion()))));
  }

  @Override
  public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> {
          ServingModel m = d.catalogue().serving(r.getName(), version(r.getVersion()));
          return ModelConfigResponse.newBuilder().setConfig(ModelDescriptions.config(m)).build();
        });
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
    edge.unary(request, out, (r, ex) -> infer(r, ex, false));
  }

  @Override
  public StreamObserver<ModelInferRequest> modelStreamInfer(
      StreamObserver<ModelStreamInferResponse> out) {
    return StreamSession.start(
        out,
        edge,
        (r, ex) ->
            ModelStreamInferResponse.newBuilder().setInferResponse(infer(r, ex, true)).build());
  }

  /** One inference: the request's tensors into the service, its outputs back. */
  private ModelInferResponse infer(ModelInferRequest r, GrpcEdge.Exchange ex, boolean streamed) {
    if (d.limiter().enabled()) {
      d.limiter()
          .acquire(
              d.limiter()
                  .clientKey(
                      name -> ex.call().header(ascii(name.toLowerCase(Locale.ROOT))),
                      ex.call().peer()),
              ex.call().method);
    }
    long decodeStart = System.nanoTime();
    Map<String, Tensor> inputs = TensorReader.inputs(r, d.maxTensorElements());
    TensorReader.Outputs outputs = TensorReader.outputs(r);
    InferResult result =
        d.service()
            .infer(
                new InferenceService.TensorRequest(
                    r.getModelName(),
                    version(r.getModelVersion()),
                    inputs,
                    outputs.names(),
                    r.getSerializedSize(),
                    decodeStart),
                ex.timeout(),
                ex.cancellation(),
                ex.record());
    String timing = ServerTiming.of(result.timings());
    if (!streamed) {
      ex.call().serverTiming(timing);
    }
    return TensorWriter.response(result, r.getId(), outputs.typed(), streamed ? timing : null);
  }

  @Override
  public void modelStatistics(
      ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> {
          ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
          List<ModelCatalogue.Status> models;
          if (r.getName().isEmpty()) {
            models = d.catalogue().statuses();
          } else {
            ModelCatalogue.Status s =
                d.catalogue()
                    .status(r.getName())
                    .orElseThrow(() -> ArgusException.NotFound.model(r.getName()));
            if (!r.getVersion().isEmpty() && !r.getVersion().equals(s.version())) {
              throw ArgusException.NotFound.version(r.getName(), r.getVersion(), s.version());
            }
            models = List.of(s);
          }
          for (ModelCatalogue.Status s : models) {
            b.addModelStats(
                ModelDescriptions.statistics(
                    s,
                    d.statistics().snapshot(s.name(), s.version()),
                    d.catalogue().stats(s.name())));
          }
          return b.build();
        });
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> {
          RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
          for (ModelCatalogue.Status s : d.catalogue().repositoryIndex()) {
            if (!r.getReady() || s.state() == ModelCatalogue.State.READY) {
              b.addModels(ModelDescriptions.index(s));
            }
          }
          return b.build();
        });
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> {
          admin(ex);
          if (r.getParametersCount() > 0) {
            throw new ArgusException.InvalidInput(
                "parameters "
                    + r.getParametersMap().keySet()
                    + " are not supported: Argus loads a model from its folder in the repository");
          }
          try {
            d.lifecycle().load(r.getModelName(), GrpcEdge.timeout(ex.deadline(), LOAD_TIMEOUT));
          } finally {
            healthStatuses.refresh();
          }
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
    edge.unary(
        request,
        out,
        (r, ex) -> {
          admin(ex);
          d.lifecycle().unload(r.getModelName());
          healthStatuses.refresh();
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }

  /** The admin token's rules, as for REST: off without one, else {@code Bearer <token>}. */
  private void admin(GrpcEdge.Exchange ex) {
    d.admin().check("RPC", ex.call().fullMethod, ex.call().header(Call.AUTHORIZATION));
  }

  /** The protocol's empty version means "the one served". */
  private static String version(String v) {
    return v.isEmpty() ? null : v;
  }

  private static Metadata.Key<String> ascii(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
