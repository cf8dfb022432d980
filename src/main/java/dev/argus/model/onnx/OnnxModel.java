package dev.argus.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.argus.model.Model;
import dev.argus.model.ModelExecutionException;
import dev.argus.model.ModelMetadata;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One ONNX Runtime session. Sessions are thread-safe, so runs share a read lock; closing takes the
 * write lock, so a session is never freed under a run (that would crash the process in native
 * code).
 */
final class OnnxModel implements Model {
  /** How long {@link #close()} waits for runs in progress before freeing the session anyway. */
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelMetadata metadata;
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  OnnxModel(OrtEnvironment env, OrtSession session, ModelMetadata metadata) {
    this.env = env;
    this.session = session;
    this.metadata = metadata;
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return runRows(List.of(inputs), -1);
  }

  /**
   * Each part's numeric inputs are copied straight into this thread's input memory, one after the
   * other, so a batch costs one copy per request and no joined array on the heap.
   */
  @Override
  public Map<String, Tensor> runRows(List<Map<String, Tensor>> parts, int totalRows) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new ModelExecutionException("the model's session is closed (unloaded or stopping)");
      }
      return runOpen(parts, totalRows);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Native memory the numeric inputs of this thread's runs are copied into, reused from one run to
   * the next: ONNX Runtime reads a direct buffer in place, where from a heap array it would
   * allocate, zero and fill a new direct buffer per input per run. Grown as needed; a thread keeps
   * at most {@link #KEEP_INPUT_BYTES} between runs.
   */
  private static final ThreadLocal<ByteBuffer[]> INPUT_MEMORY =
      ThreadLocal.withInitial(() -> new ByteBuffer[1]);

  private static final long KEEP_INPUT_BYTES = 64L << 20;

  private Map<String, Tensor> runOpen(List<Map<String, Tensor>> parts, int totalRows) {
    Map<String, OnnxTensor> onnxInputs = new LinkedHashMap<>();
    ByteBuffer memory = inputMemory(parts);
    try {
      List<Tensor> column = new ArrayList<>(parts.size());
      for (String name : parts.get(0).keySet()) {
        column.clear();
        for (Map<String, Tensor> part : parts) {
          column.add(part.get(name));
        }
        onnxInputs.put(name, toOnnx(env, column, totalRows, memory));
      }
      try (OrtSession.Result result = session.run(onnxInputs)) {
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
          if (!(e.getValue() instanceof OnnxTensor t)) {
            throw new ModelExecutionException(
                "output '" + e.getKey() + "' is not a tensor: " + e.getValue().getInfo());
          }
          outputs.put(e.getKey(), fromOnnx(t));
        }
        return outputs;
      }
    } catch (OrtException e) {
      throw new ModelExecutionException(
          "ONNX Runtime failed: " + OnnxModelRuntime.firstLine(e.getMessage()), e);
    } finally {
      onnxInputs.values().forEach(OnnxTensor::close);
      if (memory != null && memory.capacity() > KEEP_INPUT_BYTES) {
        INPUT_MEMORY.get()[0] = null;
      }
    }
  }

  /** This thread's input memory, large enough for every numeric input of one run; null if none. */
  private static ByteBuffer inputMemory(List<Map<String, Tensor>> parts) {
    long bytes = 0;
    for (Map<String, Tensor> inputs : parts) {
      for (Tensor t : inputs.values()) {
        bytes += directBytes(t);
      }
    }
    if (bytes == 0 || bytes > Integer.MAX_VALUE) {
      return null;
    }
    ByteBuffer[] held = INPUT_MEMORY.get();
    if (held[0] == null || held[0].capacity() < bytes) {
      held[0] = ByteBuffer.allocateDirect((int) Math.max(bytes, 64 * 1024));
    }
    ByteBuffer memory = held[0].clear();
    memory.order(ByteOrder.nativeOrder());
    return memory;
  }

  /** Bytes a tensor takes in native memory when it goes there directly; 0 when it does not. */
  private static long directBytes(Tensor t) {
    long n = t.shape().elementCount();
    return switch (t.type()) {
      case FP32, INT32 -> 4 * n;
      case FP64, INT64 -> 8 * n;
      default -> 0;
    };
  }

  /**
   * {@code t} as an ONNX Runtime tensor; FP32, FP64, INT32 and INT64 data are copied into the next
   * slice of {@code memory} (when there is one) and used there in place.
   */
  static OnnxTensor toOnnx(OrtEnvironment env, Tensor t, ByteBuffer memory) throws OrtException {
    return toOnnx(env, List.of(t), -1, memory);
  }

  /**
   * The rows of {@code parts} joined along the first dimension ({@code totalRows} in all; one part
   * is taken as it is) as one ONNX Runtime tensor: FP32, FP64, INT32 and INT64 data are copied,
   * part after part, into the next slice of {@code memory} (when there is one) and used there in
   * place; other types are joined on the heap first.
   */
  static OnnxTensor toOnnx(OrtEnvironment env, List<Tensor> parts, int totalRows, ByteBuffer memory)
      throws OrtException {
    Tensor first = parts.get(0);
    long[] shape =
        parts.size() == 1 ? first.shape().dims() : first.shape().withFirstDim(totalRows).dims();
    long bytes = 0;
    for (Tensor t : parts) {
      bytes += directBytes(t);
    }
    if (memory == null || bytes == 0) {
      return toOnnx(env, parts.size() == 1 ? first : Tensor.joinRows(parts, totalRows));
    }
    ByteBuffer slice = memory.slice(memory.position(), (int) bytes).order(ByteOrder.nativeOrder());
    memory.position(memory.position() + (int) bytes);
    for (Tensor t : parts) {
      // In the slice's native order; a tensor still held as its request's little-endian bytes is
      // copied as those bytes, without decoding it on the heap first.
      TensorCodec.write(t, slice);
    }
    slice.flip();
    return switch (first.type()) {
      case FP32 -> OnnxTensor.createTensor(env, slice.asFloatBuffer(), shape);
      case FP64 -> OnnxTensor.createTensor(env, slice.asDoubleBuffer(), shape);
      case INT32 -> OnnxTensor.createTensor(env, slice.asIntBuffer(), shape);
      case INT64 -> OnnxTensor.createTensor(env, slice.asLongBuffer(), shape);
      default -> throw new IllegalStateException("no direct copy for " + first.type());
    };
  }

  @Override
  public void close() {
    boolean locked = false;
    try {
      locked = lifecycle.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!locked) {
      // Freeing the session under a run would crash the process; leaking it is the lesser harm.
      throw new ModelExecutionException(
          "runs still in progress after " + CLOSE_WAIT_SECONDS + " s; session left open");
    }
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } catch (OrtException e) {
      throw new ModelExecutionException("closing the session failed", e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  static OnnxTensor toOnnx(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = t.shape().dims();
    Object data = t.data();
    return switch (t.type()) {
      case FP32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), shape);
      case FP64 -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), shape);
      case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), shape);
      case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), shape);
      case INT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), shape);
      case FP16 ->
          OnnxTensor.createTensor(
              env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.FLOAT16);
      case BF16 ->
          OnnxTensor.createTensor(
              env, ShortBuffer.wrap((short[]) data), shape, OnnxJavaType.BFLOAT16);
      case INT8 ->
          OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.INT8);
      case UINT8 ->
          OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), shape, OnnxJavaType.UINT8);
      case BOOL -> {
        boolean[] bools = (boolean[]) data;
        byte[] bytes = new byte[bools.length];
        for (int i = 0; i < bools.length; i++) {
          bytes[i] = (byte) (bools[i] ? 1 : 0);
        }
        yield OnnxTensor.createTensor(env, ByteBuffer.wrap(bytes), shape, OnnxJavaType.BOOL);
      }
      case BYTES -> {
        byte[][] elements = (byte[][]) data;
        String[] strings = new String[elements.length];
        for (int i = 0; i < elements.length; i++) {
          strings[i] = new String(elements[i], StandardCharsets.UTF_8);
        }
        yield OnnxTensor.createTensor(env, strings, shape);
      }
      case UINT16, UINT32, UINT64 ->
          throw new ModelExecutionException(
              "ONNX Runtime's Java API cannot create " + t.type() + " input tensors");
    };
  }

  static Tensor fromOnnx(OnnxTensor t) throws OrtException {
    TensorInfo info = t.getInfo();
    DataType type =
        OnnxModelRuntime.dataType(info.onnxType)
            .orElseThrow(
                () -> new ModelExecutionException("unsupported output type " + info.onnxType));
    Shape shape = Shape.of(info.getShape());
    int n = Math.toIntExact(shape.elementCount());
    if (type == DataType.BYTES) {
      byte[][] out = new byte[n][];
      int[] next = {0};
      flattenStrings(t.getValue(), out, next);
      return Tensor.of(type, shape, out);
    }
    // ONNX Runtime hands over a heap copy of its buffer, in native order: on a little-endian
    // machine those are the protocol's bytes already, kept as they are (no second copy).
    ByteBuffer raw = t.getByteBuffer().order(ByteOrder.nativeOrder());
    if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && type != DataType.BOOL) {
      return Tensor.ofLittleEndian(type, shape, raw);
    }
    Object array = TensorCodec.read(type, raw, n);
    return Tensor.of(type, shape, array);
  }

  private static void flattenStrings(Object value, byte[][] out, int[] next) {
    if (value instanceof String s) {
      out[next[0]++] = s.getBytes(StandardCharsets.UTF_8);
    } else if (value instanceof Object[] array) {
      for (Object element : array) {
        flattenStrings(element, out, next);
      }
    }
  }
}
