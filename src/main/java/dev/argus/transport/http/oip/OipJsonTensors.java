package dev.argus.transport.http.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import dev.argus.service.ArgusException;
import dev.argus.tensor.DataType;
import dev.argus.tensor.Tensor;
import dev.argus.tensor.TensorCodec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Tensor elements as the protocol's JSON {@code data}: read from a streaming parser straight into a
 * primitive array (flat or nested, every element range-checked for its datatype), and written back
 * as a flat array. No boxed numbers, no tree of nodes.
 */
final class OipJsonTensors {
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  private OipJsonTensors() {}

  /** Reads flat or nested row-major JSON data into a primitive array of {@code count}. */
  static Object readData(JsonParser p, JsonToken first, DataType type, int count, String what)
      throws IOException {
    expect(p, first, JsonToken.START_ARRAY, what + " data", "an array");
    Object array = TensorCodec.allocate(type, count);
    int i = 0;
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_ARRAY) {
        depth++;
      } else if (t == JsonToken.END_ARRAY) {
        depth--;
      } else {
        if (i >= count) {
          throw new ArgusException.InvalidInput(
              what + " data holds more than the " + count + " elements its shape declares");
        }
        set(array, type, i++, p, t, what);
      }
    }
    if (i != count) {
      throw new ArgusException.InvalidInput(
          what + " data holds " + i + " elements (expected: " + count + " for its shape)");
    }
    return array;
  }

  private static void set(
      Object array, DataType type, int i, JsonParser p, JsonToken t, String what)
      throws IOException {
    switch (type) {
      case FP32 -> ((float[]) array)[i] = float32(p, t, what);
      case FP64 -> ((double[]) array)[i] = number(p, t, what, type);
      case FP16 -> ((short[]) array)[i] = Float.floatToFloat16((float) number(p, t, what, type));
      case BF16 -> ((short[]) array)[i] = toBf16((float) number(p, t, what, type));
      case BOOL -> {
        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
          throw wrongElement(what, i, "true or false", p);
        }
        ((boolean[]) array)[i] = t == JsonToken.VALUE_TRUE;
      }
      case BYTES -> {
        if (t != JsonToken.VALUE_STRING) {
          throw wrongElement(what, i, "a string", p);
        }
        ((byte[][]) array)[i] = p.getText().getBytes(StandardCharsets.UTF_8);
      }
      case INT64 -> ((long[]) array)[i] = integer(p, t, what, i, Long.MIN_VALUE, Long.MAX_VALUE);
      case UINT64 -> ((long[]) array)[i] = unsigned64(p, t, what, i);
      case INT32 ->
          ((int[]) array)[i] = (int) integer(p, t, what, i, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case UINT32 -> ((int[]) array)[i] = (int) integer(p, t, what, i, 0, 0xFFFF_FFFFL);
      case INT16 ->
          ((short[]) array)[i] = (short) integer(p, t, what, i, Short.MIN_VALUE, Short.MAX_VALUE);
      case UINT16 -> ((short[]) array)[i] = (short) integer(p, t, what, i, 0, 0xFFFF);
      case INT8 ->
          ((byte[]) array)[i] = (byte) integer(p, t, what, i, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case UINT8 -> ((byte[]) array)[i] = (byte) integer(p, t, what, i, 0, 0xFF);
    }
  }

  /*
   * Numbers are parsed from the parser's own character buffer: getDoubleValue() would first copy
   * each number into a String (Jackson parses floats lazily), about 100 bytes per element.
   */
  private static double number(JsonParser p, JsonToken t, String what, DataType type)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new ArgusException.InvalidInput(
          what + " data: '" + p.getText() + "' (expected: numbers for " + type + ")");
    }
    return NumberInput.parseDouble(
        p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
  }

  private static float float32(JsonParser p, JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
      throw new ArgusException.InvalidInput(
          what + " data: '" + p.getText() + "' (expected: numbers for FP32)");
    }
    return NumberInput.parseFloat(
        p.getTextCharacters(), p.getTextOffset(), p.getTextLength(), true);
  }

  private static long integer(JsonParser p, JsonToken t, String what, int i, long min, long max)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongElement(what, i, "an integer", p);
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < min
        || p.getLongValue() > max) {
      throw new ArgusException.InvalidInput(
          what + " element " + i + ": " + p.getText() + " is out of range " + min + ".." + max);
    }
    return p.getLongValue();
  }

  /** 0..2^64-1, kept exactly: above 2^63-1 the bits wrap into a negative long, as uint64 does. */
  private static long unsigned64(JsonParser p, JsonToken t, String what, int i) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongElement(what, i, "an integer", p);
    }
    BigInteger v = p.getBigIntegerValue();
    if (v.signum() < 0 || v.compareTo(TWO_TO_64) >= 0) {
      throw new ArgusException.InvalidInput(
          what + " element " + i + ": " + v + " is out of range 0..18446744073709551615");
    }
    return v.longValue();
  }

  private static ArgusException.InvalidInput wrongElement(
      String what, int i, String expected, JsonParser p) throws IOException {
    return new ArgusException.InvalidInput(
        what + " element " + i + ": '" + p.getText() + "' (expected: " + expected + ")");
  }

  private static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) 0x7FC0;
    }
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16); // round to nearest even
  }

  /** Writes a tensor's elements as a flat JSON array, as the protocol's {@code data}. */
  static void writeData(JsonGenerator g, Tensor t) throws IOException {
    Object d = t.data();
    g.writeStartArray();
    switch (t.type()) {
      case FP32 -> {
        for (float v : (float[]) d) {
          g.writeNumber(v);
        }
      }
      case FP64 -> {
        for (double v : (double[]) d) {
          g.writeNumber(v);
        }
      }
      case FP16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(Float.float16ToFloat(v));
        }
      }
      case BF16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(Float.intBitsToFloat((v & 0xFFFF) << 16));
        }
      }
      case INT64 -> {
        for (long v : (long[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT64 -> {
        for (long v : (long[]) d) {
          g.writeNumber(Long.toUnsignedString(v));
        }
      }
      case INT32 -> {
        for (int v : (int[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT32 -> {
        for (int v : (int[]) d) {
          g.writeNumber(Integer.toUnsignedLong(v));
        }
      }
      case INT16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT16 -> {
        for (short v : (short[]) d) {
          g.writeNumber(v & 0xFFFF);
        }
      }
      case INT8 -> {
        for (byte v : (byte[]) d) {
          g.writeNumber(v);
        }
      }
      case UINT8 -> {
        for (byte v : (byte[]) d) {
          g.writeNumber(v & 0xFF);
        }
      }
      case BOOL -> {
        for (boolean v : (boolean[]) d) {
          g.writeBoolean(v);
        }
      }
      case BYTES -> {
        for (byte[] v : (byte[][]) d) {
          g.writeString(new String(v, StandardCharsets.UTF_8));
        }
      }
    }
    g.writeEndArray();
  }

  static void expect(
      JsonParser p, JsonToken actual, JsonToken wanted, String field, String expected)
      throws IOException {
    if (actual != wanted) {
      throw new ArgusException.InvalidInput(
          field + ": '" + p.getText() + "' (expected: " + expected + ")");
    }
  }
}
