package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.multiprocessing4j.internal.ctypes.CTypesDescriptor;
import org.multiprocessing4j.internal.shm.ShmSegment;

/** A raw {@link CharArray}: ctypes' {@code c_char * length}. */
final class RawCharArrayImpl extends RawArrayImpl<Byte> implements CharArray {
  @Serial private static final long serialVersionUID = 1L;
  /** The highest char that is one ISO-8859-1 byte. */
  private static final char MAX_LATIN1 = '\u00ff';
  private static final byte NUL = 0;

  RawCharArrayImpl(ShmSegment segment, int length) {
    super(segment, CType.C_CHAR, length);
  }

  private MemorySegment data() {
    checkOpen();
    return payload.asSlice(CTypesDescriptor.DATA, length);
  }

  @Override
  public String value() {
    byte[] all = raw();
    int end = 0;
    while (end < all.length && all[end] != NUL) {
      end++;
    }
    return new String(all, 0, end, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void setValue(String s) {
    byte[] bytes = latin1(s);
    if (bytes.length > length) {
      throw new IllegalArgumentException("byte string too long: " + bytes.length + " bytes for " + typeName()
          + " (Python: ValueError)");
    }
    MemorySegment data = data();
    MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
    if (bytes.length < length) {
      data.set(ValueLayout.JAVA_BYTE, bytes.length, NUL);
    }
  }

  @Override
  public byte[] raw() {
    return data().toArray(ValueLayout.JAVA_BYTE);
  }

  @Override
  public void setRaw(byte[] bytes) {
    if (bytes.length > length) {
      throw new IllegalArgumentException("byte string too long: " + bytes.length + " bytes for " + typeName()
          + " (Python: ValueError)");
    }
    MemorySegment.copy(bytes, 0, data(), ValueLayout.JAVA_BYTE, 0, bytes.length);
  }

  /** {@code s} as ISO-8859-1 bytes, refusing what has no such byte. */
  static byte[] latin1(String s) {
    if (s == null) {
      throw new NullPointerException("a c_char array holds a string, not null");
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > MAX_LATIN1) {
        throw new IllegalArgumentException("'" + s.charAt(i) + "' (U+" + String.format("%04X", (int) s.charAt(i))
            + ") at index " + i + " of \"" + s + "\" is not one byte: a c_char array holds ISO-8859-1 text");
      }
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public CharArray getObj() {
    return this;
  }

  @Override
  public String toString() {
    return isClosed() ? typeName() + "<closed>" : typeName() + "(value=\"" + value() + "\")";
  }
}
