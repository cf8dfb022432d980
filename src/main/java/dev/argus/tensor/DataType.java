package dev.argus.tensor;

import java.util.Arrays;
import java.util.Optional;

/** Element types of tensors, named as the Open Inference Protocol names them. */
public enum DataType {
  BOOL(1),
  UINT8(1),
  UINT16(2),
  UINT32(4),
  UINT64(8),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
  BF16(2),
  FP32(4),
  FP64(8),
  /** Variable-length byte strings; {@link #byteSize()} is 0. */
  BYTES(0);

  private final int byteSize;

  DataType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element, or 0 for {@link #BYTES}. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * Looks a type up by its protocol name ({@code "FP32"}); the protocol's names are upper-case, so
   * {@code "fp32"} is no type (Triton refuses it too).
   */
  public static Optional<DataType> fromName(String name) {
    return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
  }
}
