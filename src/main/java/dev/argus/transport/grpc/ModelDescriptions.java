package dev.argus.transport.grpc;

import dev.argus.batching.BatchSettings;
import dev.argus.batching.BatchStats;
import dev.argus.model.TensorSpec;
import dev.argus.service.InferenceStatistics;
import dev.argus.service.ModelCatalogue;
import dev.argus.service.ServingModel;
import dev.argus.tensor.DataType;
import dev.argus.transport.grpc.proto.InferBatchStatistics;
import dev.argus.transport.grpc.proto.InferStatistics;
import dev.argus.transport.grpc.proto.ModelConfig;
import dev.argus.transport.grpc.proto.ModelDynamicBatching;
import dev.argus.transport.grpc.proto.ModelInput;
import dev.argus.transport.grpc.proto.ModelInstanceGroup;
import dev.argus.transport.grpc.proto.ModelMetadataResponse;
import dev.argus.transport.grpc.proto.ModelOutput;
import dev.argus.transport.grpc.proto.ModelStatistics;
import dev.argus.transport.grpc.proto.RepositoryIndexResponse;
import dev.argus.transport.grpc.proto.StatisticDuration;
import java.util.Arrays;
import java.util.List;

/**
 * What the protocol's descriptive RPCs answer about models, from what Argus knows: the session's
 * metadata, the batcher's settings and counters, the catalogue's states. Nothing is invented: what
 * Argus does not measure (Triton's compute_input, last_inference) is left unset.
 */
final class ModelDescriptions {
  static final String PLATFORM = "onnxruntime_onnx";
  static final String BACKEND = "onnxruntime";

  private ModelDescriptions() {}

  static ModelMetadataResponse metadata(ServingModel m) {
    ModelMetadataResponse.Builder b =
        ModelMetadataResponse.newBuilder()
            .setName(m.name())
            .addVersions(m.version())
            .setPlatform(PLATFORM);
    var meta = m.model().model().metadata();
    for (TensorSpec t : meta.inputs()) {
      b.addInputs(tensor(t));
    }
    for (TensorSpec t : meta.outputs()) {
      b.addOutputs(tensor(t));
    }
    return b.build();
  }

  private static ModelMetadataResponse.TensorMetadata tensor(TensorSpec t) {
    ModelMetadataResponse.TensorMetadata.Builder b =
        ModelMetadataResponse.TensorMetadata.newBuilder()
            .setName(t.name())
            .setDatatype(t.type().name());
    for (long d : t.shape().dims()) {
      b.addShape(d);
    }
    return b.build();
  }

  /**
   * Triton's model configuration, as far as it is true of Argus: when the batcher gathers requests
   * ({@code max_batch_size} above 1), {@code max_batch_size} is that and dims leave out the batch
   * dimension, as Triton's do; otherwise {@code max_batch_size} is 0 and dims are whole shapes.
   */
  static ModelConfig config(ServingModel m) {
    BatchSettings batching = m.batcher().settings();
    boolean batched = batching.maxBatchSize() > 1;
    ModelConfig.Builder b =
        ModelConfig.newBuilder()
            .setName(m.name())
            .setPlatform(PLATFORM)
            .setBackend(BACKEND)
            .setMaxBatchSize(batched ? batching.maxBatchSize() : 0)
            .addInstanceGroup(
                ModelInstanceGroup.newBuilder()
                    .setName(m.name())
                    .setKind(ModelInstanceGroup.Kind.KIND_CPU)
                    .setCount(batching.instances()));
    var meta = m.model().model().metadata();
    for (TensorSpec t : meta.inputs()) {
      b.addInput(
          ModelInput.newBuilder()
              .setName(t.name())
              .setDataType(configType(t.type()))
              .addAllDims(dims(t, batched)));
    }
    for (TensorSpec t : meta.outputs()) {
      b.addOutput(
          ModelOutput.newBuilder()
              .setName(t.name())
              .setDataType(configType(t.type()))
              .addAllDims(dims(t, batched)));
    }
    if (batched) {
      b.setDynamicBatching(
          ModelDynamicBatching.newBuilder()
              .setMaxQueueDelayMicroseconds(batching.maxQueueDelay().toNanos() / 1000));
    }
    return b.build();
  }

  private static List<Long> dims(TensorSpec t, boolean batched) {
    long[] dims = t.shape().dims();
    long[] kept = batched && dims.length > 0 ? Arrays.copyOfRange(dims, 1, dims.length) : dims;
    return Arrays.stream(kept).boxed().toList();
  }

  /** Triton's enum names the protocol's datatypes with {@code TYPE_}, and BYTES as STRING. */
  static dev.argus.transport.grpc.proto.DataType configType(DataType type) {
    return type == DataType.BYTES
        ? dev.argus.transport.grpc.proto.DataType.TYPE_STRING
        : dev.argus.transport.grpc.proto.DataType.valueOf("TYPE_" + type.name());
  }

  /**
   * Triton's statistics of one model, the same figures as {@code /v2/models/{m}/stats}: per request
   * from the service's statistics, per batch from the batcher's counters.
   */
  static ModelStatistics statistics(
      ModelCatalogue.Status status, InferenceStatistics.Snapshot r, BatchStats s) {
    ModelStatistics.Builder b =
        ModelStatistics.newBuilder()
            .setName(status.name())
            .setVersion(status.version())
            .setLastInference(r.lastInferenceMillis())
            .setInferenceCount(r.success().count())
            .setExecutionCount(s.batches())
            .setInferenceStats(
                InferStatistics.newBuilder()
                    .setSuccess(duration(r.success()))
                    .setFail(duration(r.fail()))
                    .setQueue(duration(r.queue()))
                    .setComputeInput(duration(r.computeInput()))
                    .setComputeInfer(duration(r.computeInfer()))
                    .setComputeOutput(duration(r.computeOutput())));
    long[] counts = s.batchSizeCounts();
    for (int size = 1; size < counts.length; size++) {
      if (counts[size] > 0) {
        b.addBatchStats(
            InferBatchStatistics.newBuilder()
                .setBatchSize(size)
                .setComputeInput(duration(counts[size], s.batchSizeInputNanos()[size]))
                .setComputeInfer(duration(counts[size], s.batchSizeInferNanos()[size]))
                .setComputeOutput(duration(counts[size], s.batchSizeOutputNanos()[size])));
      }
    }
    return b.build();
  }

  private static StatisticDuration duration(InferenceStatistics.Duration d) {
    return duration(d.count(), d.ns());
  }

  private static StatisticDuration duration(long count, long nanos) {
    return StatisticDuration.newBuilder().setCount(count).setNs(nanos).build();
  }

  /** One entry of the repository index, in Triton's words for the state. */
  static RepositoryIndexResponse.ModelIndex index(ModelCatalogue.Status s) {
    RepositoryIndexResponse.ModelIndex.Builder b =
        RepositoryIndexResponse.ModelIndex.newBuilder().setName(s.name()).setVersion(s.version());
    b.setState(
        s.state() == null
            ? ""
            : switch (s.state()) {
              case READY -> "READY";
              case LOADING -> "LOADING";
              case STALLED, FAILED, UNLOADED -> "UNAVAILABLE";
            });
    if (!s.reason().isEmpty()) {
      b.setReason(s.reason());
    }
    return b.build();
  }
}
