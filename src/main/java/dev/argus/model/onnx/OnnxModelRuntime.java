package dev.argus.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.argus.model.Model;
import dev.argus.model.ModelLoadException;
import dev.argus.model.ModelMetadata;
import dev.argus.model.ModelRuntime;
import dev.argus.model.TensorSpec;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads {@code .onnx} files into ONNX Runtime sessions. The only user of {@code ai.onnxruntime}.
 */
public final class OnnxModelRuntime implements ModelRuntime {
  private final OrtEnvironment env;

  public OnnxModelRuntime() {
    this.env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "argus");
  }

  @Override
  public String version() {
    return "onnxruntime " + env.getVersion();
  }

  /** The ONNX Runtime version alone, e.g. {@code 1.23.2}. */
  public String runtimeVersion() {
    return env.getVersion();
  }

  @Override
  public Model load(Path file, RuntimeOptions options) {
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(
          ModelLoadException.Reason.FILES, "model file " + file + " does not exist");
    }
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setInterOpNumThreads(1);
      if (options.intraOpThreads() > 0) {
        opts.setIntraOpNumThreads(options.intraOpThreads());
      }
      // Spinning worker threads burn a core each while idle; on small machines that starves the
      // HTTP threads of the same process, so it is off unless asked for.
      opts.addConfigEntry("session.intra_op.allow_spinning", options.allowSpinning() ? "1" : "0");
      OrtSession session = env.createSession(file.toString(), opts);
      try {
        return new OnnxModel(env, session, metadataOf(session));
      } catch (RuntimeException | OrtException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new ModelLoadException(
          ModelLoadException.Reason.RUNTIME,
          "ONNX Runtime could not load " + file.getFileName() + ": " + firstLine(e.getMessage()),
          e);
    }
  }

  private static ModelMetadata metadataOf(OrtSession session) throws OrtException {
    return new ModelMetadata(specs(session.getInputInfo()), specs(session.getOutputInfo()));
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> infos) {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new ModelLoadException(
            ModelLoadException.Reason.RUNTIME,
            "input or output '" + node.getName() + "' is not a tensor (" + node.getInfo() + ")");
      }
      DataType type =
          dataType(info.onnxType)
              .orElseThrow(() ->
                  new ModelLoadException(
                      ModelLoadException.Reason.RUNTIME,
                      "'"
                          + node.getName()
                          + "' has element type "
                          + info.onnxType
                          + ", which Argus does not serve"));
      long[] dims = info.getShape();
      for (int i = 0; i < dims.length; i++) {
        dims[i] = dims[i] < 0 ? -1 : dims[i];
      }
      specs.add(new TensorSpec(node.getName(), type, Shape.of(dims)));
    }
    return specs;
  }

  static Optional<DataType> dataType(TensorInfo.OnnxTensorType t) {
    return Optional.ofNullable(
        switch (t) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
          default -> null;
        });
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
