package org.multiprocessing4j.sharedmemory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.BOOL_FLAG_INDEX;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.CODE_BYTES;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.CODE_NONE;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.CODE_PLAIN;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.CODE_STR;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.COUNT_OFFSET;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_BOOL;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_BYTES_SUFFIX;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_FLOAT;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_INT;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_LENGTH;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.FORMAT_NONE;
import static org.multiprocessing4j.internal.shm.ShareableListDescriptor.SCALAR_SLOT;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.multiprocessing4j.internal.shm.ShareableListDescriptor;

/**
 * A fixed-length list stored in a {@link SharedMemory} block with CPython's layout: Python's
 * {@code multiprocessing.shared_memory.ShareableList}. A list made here can be attached by name
 * from CPython and the other way round.
 *
 * <pre>{@code
 * try (ShareableList<Object> sl = ShareableList.create(List.of("howdy", 100L, 2.5, true))) {
 *   String name = sl.shm().name();
 *   // another process, or CPython's ShareableList(name=name), sees and changes the same items
 *   sl.set(1, 42L);
 *   System.out.println(sl.format());   // 8sqdxxxxxxx?
 *   sl.unlink();
 * }
 * }</pre>
 *
 * <p>Items are mapped between the languages as: {@code int} ↔ {@link Long} (also given as
 * {@link Integer}, {@link Short} or {@link Byte}), {@code float} ↔ {@link Double} (also
 * {@link Float}), {@code bool} ↔ {@link Boolean}, {@code str} ↔ {@link String} (UTF-8),
 * {@code bytes} ↔ {@code byte[]}, {@code None} ↔ {@code null}. Reads always give the first type
 * of each pair. Another type is refused with {@link IllegalArgumentException} (CPython: a
 * {@code KeyError} or {@code struct.error}).
 *
 * <p>As in CPython the length is fixed ({@code add}, {@code remove} and the other size-changing
 * methods throw {@link UnsupportedOperationException}) and each item keeps the slot it was
 * created with: 8 bytes for a number, bool or null, {@code 8 * (n / 8 + 1)} bytes for a string of
 * n characters or bytes of n bytes. {@link #set} may change an item's type; a string or bytes
 * longer than the slot is refused with {@link IllegalArgumentException}
 * ("bytes/str item exceeds available storage"). Strings and bytes lose trailing NUL characters
 * when read back, as in CPython.
 *
 * <p>Deliberate differences: indices are Java's (no negative indices: {@code get(-1)} throws
 * {@link IndexOutOfBoundsException}, like CPython's {@code IndexError} for an index out of
 * range); and where CPython would silently cut a non-ASCII string at creation (it sizes the slot
 * by characters, then stores UTF-8 bytes), the slot is made big enough for the bytes, which
 * CPython reads back correctly. {@code byte[]} items compare by identity in
 * {@code equals}/{@code indexOf}, as in any Java list.
 *
 * <p>Not synchronized between processes: guard concurrent changes with a lock. After
 * {@link #close()} (which closes {@link #shm()}), access throws {@link IllegalStateException}.
 * Serialized, a list travels as its name and attaches on arrival (CPython pickles it the same way).
 *
 * @param <E> the element type: {@code Object} for a mixed list, or one of the mapped types
 */
public final class ShareableList<E> extends AbstractList<E> implements RandomAccess, AutoCloseable, Serializable {
  /*
   * Overview of implementation: the layout is internal.shm.ShareableListDescriptor. As CPython,
   * the item count and the slot offsets are read once (create or attach) and cached; formats and
   * back-transform codes are read from the block on each access, since another process may change
   * an item's type.
   */
  /** Version of the serialized form. */
  @Serial private static final long serialVersionUID = 1L;

  /** The block; the serialized form holds only its name (see {@code writeReplace}). */
  private final SharedMemory shm;
  /** The item count. */
  private final int length;
  /** offset[0..N]: slot offsets relative to the data area; offset[N] is the data length. */
  private final long[] slotOffsets;

  static {
    // as SharedMemory: the name, without JDK serialization; null while a warm spare decodes a hint
    org.multiprocessing4j.internal.pickle.Codec.registerPortable(ShareableList.class,
        list -> new Object[] {list.shm.name()},
        f -> org.multiprocessing4j.internal.pickle.Codec.warmingUp() ? null : attach((String) f[0]));
  }

  private ShareableList(SharedMemory shm, int length, long[] slotOffsets) {
    this.shm = shm;
    this.length = length;
    this.slotOffsets = slotOffsets;
  }

  /**
   * Creates a list of {@code items} in a new block with a random name
   * ({@code ShareableList(sequence)}).
   *
   * @param <E> the element type
   * @param items the items, each a Long, Integer, Short, Byte, Double, Float, Boolean, String,
   *     byte[] or null
   * @return the new list, open
   * @throws IllegalArgumentException when an item's type cannot be stored
   */
  public static <E> ShareableList<E> create(List<? extends E> items) {
    return create(null, items);
  }

  /**
   * Creates a list of {@code items} in a new block called {@code name}
   * ({@code ShareableList(sequence, name=name)}); a null name draws a random one.
   *
   * @param <E> the element type
   * @param name the block's name, or null for a random one
   * @param items the items, as for {@link #create(List)}
   * @return the new list, open
   * @throws IllegalArgumentException when an item's type cannot be stored
   * @throws UncheckedIOException caused by {@link FileAlreadyExistsException} when the name is taken
   */
  public static <E> ShareableList<E> create(String name, List<? extends E> items) {
    Objects.requireNonNull(items, "items");
    int n = items.size();
    Encoded[] encoded = new Encoded[n];
    long[] offsets = new long[n + 1];
    for (int i = 0; i < n; i++) {
      encoded[i] = encodeForCreate(items.get(i));
      offsets[i + 1] = offsets[i] + encoded[i].slot;
    }
    long dataLength = offsets[n];
    long size = ShareableListDescriptor.totalSize(n, dataLength);
    SharedMemory shm = name == null ? SharedMemory.create(size) : SharedMemory.create(name, size);
    try {
      MemorySegment s = shm.segment();
      s.set(JAVA_LONG_UNALIGNED, COUNT_OFFSET, n);
      for (int i = 0; i <= n; i++) {
        s.set(JAVA_LONG_UNALIGNED, ShareableListDescriptor.allocatedOffsetAt(i), offsets[i]);
      }
      var list = new ShareableList<E>(shm, n, offsets);
      for (int i = 0; i < n; i++) {
        list.writeFormatAndCode(i, encoded[i].format, encoded[i].code);
        list.writeValue(i, encoded[i]);
      }
      return list;
    } catch (RuntimeException e) {
      shm.close();
      shm.unlink();
      throw e;
    }
  }

  /**
   * Attaches to the list in the existing block {@code name} ({@code ShareableList(name=name)}).
   * The element type is not checked: reads give the mapped types of what is stored.
   *
   * @param <E> the element type the caller expects
   * @param name the block's name
   * @return an open list over the block
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when there is no such block
   * @throws IllegalStateException when the block does not hold a list in CPython's layout
   */
  public static <E> ShareableList<E> attach(String name) {
    SharedMemory shm = SharedMemory.attach(name);
    try {
      MemorySegment s = shm.segment();
      long n = s.byteSize() >= ShareableListDescriptor.dataStart(0) ? s.get(JAVA_LONG_UNALIGNED, COUNT_OFFSET) : -1;
      if (n < 0 || n > Integer.MAX_VALUE || ShareableListDescriptor.totalSize((int) n, 0) > s.byteSize()) {
        throw new IllegalStateException("shared memory block '" + shm.name() + "' of " + s.byteSize()
            + " bytes does not hold a ShareableList (item count " + n + ")");
      }
      int length = (int) n;
      long[] offsets = new long[length + 1];
      for (int i = 0; i <= length; i++) {
        offsets[i] = s.get(JAVA_LONG_UNALIGNED, ShareableListDescriptor.allocatedOffsetAt(i));
      }
      if (ShareableListDescriptor.totalSize(length, offsets[length]) > s.byteSize()) {
        throw new IllegalStateException("shared memory block '" + shm.name() + "' does not hold a ShareableList:"
            + " its " + length + " items need more than its " + s.byteSize() + " bytes");
      }
      return new ShareableList<>(shm, length, offsets);
    } catch (RuntimeException e) {
      shm.close();
      throw e;
    }
  }

  /** The block the list lives in ({@code shm}). */
  public SharedMemory shm() {
    return shm;
  }

  /**
   * The {@code struct} formats of the items, concatenated ({@code format}), e.g.
   * {@code "8s8sdqxxxxxx?xxxxxxxx?q"} for {@code ["howdy", b"HoWdY", -273.154, 100, None, True, 42]}.
   */
  public String format() {
    var sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(readFormat(i));
    }
    return sb.toString();
  }

  /**
   * The item at {@code index} ({@code sl[index]}), as {@link Long}, {@link Double},
   * {@link Boolean}, {@link String}, {@code byte[]} or null.
   *
   * @throws IndexOutOfBoundsException when {@code index} is not in [0, size)
   * @throws IllegalStateException when the list is closed, or the stored item is malformed
   */
  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    Objects.checkIndex(index, length);
    String format = readFormat(index);
    byte code = shm.segment().get(JAVA_BYTE, codeOffset(index));
    long at = dataOffset(index);
    MemorySegment s = shm.segment();
    Object value = switch (code) {
      case CODE_NONE -> null;
      case CODE_PLAIN -> switch (format) {
        case FORMAT_INT -> s.get(JAVA_LONG_UNALIGNED, at);
        case FORMAT_FLOAT -> s.get(JAVA_DOUBLE_UNALIGNED, at);
        case FORMAT_BOOL -> s.get(JAVA_BYTE, at + BOOL_FLAG_INDEX) != 0;
        default -> throw malformed(index, "format '" + format + "'");
      };
      case CODE_STR -> decode(index, stripTrailingNuls(readBytes(index, format)));
      case CODE_BYTES -> stripTrailingNuls(readBytes(index, format));
      default -> throw malformed(index, "back-transform code " + code);
    };
    return (E) value;
  }

  /**
   * Replaces the item at {@code index} ({@code sl[index] = value}); the type may change. A string
   * or bytes must fit the item's slot.
   *
   * @return the previous item
   * @throws IndexOutOfBoundsException when {@code index} is not in [0, size)
   * @throws IllegalArgumentException when the value's type cannot be stored, or a string or bytes
   *     exceeds the slot ("bytes/str item exceeds available storage")
   * @throws IllegalStateException when the list is closed
   */
  @Override
  public E set(int index, E value) {
    Objects.checkIndex(index, length);
    E previous = get(index);
    Encoded e;
    if (value instanceof String || value instanceof byte[]) {
      byte[] bytes = value instanceof String str ? str.getBytes(StandardCharsets.UTF_8) : (byte[]) value;
      long allocated = slotOffsets[index + 1] - slotOffsets[index];
      if (bytes.length > allocated) {
        throw new IllegalArgumentException("bytes/str item exceeds available storage: " + bytes.length
            + " bytes for a slot of " + allocated + " at index " + index + " of " + this.shm);
      }
      String current = readFormat(index);
      String format = current.endsWith(String.valueOf(FORMAT_BYTES_SUFFIX))
          ? current : ShareableListDescriptor.bytesFormat((int) allocated);
      e = new Encoded(format, value instanceof String ? CODE_STR : CODE_BYTES, (int) allocated, null, bytes);
    } else {
      e = encodeScalar(value);
    }
    writeFormatAndCode(index, e.format, e.code);
    writeValue(index, e);
    return previous;
  }

  /** The number of items ({@code len(sl)}); fixed at creation. */
  @Override
  public int size() {
    return length;
  }

  /** Closes this process's access to the block ({@code sl.shm.close()}). Idempotent. */
  @Override
  public void close() {
    shm.close();
  }

  /** Removes the block's name ({@code sl.shm.unlink()}); see {@link SharedMemory#unlink()}. */
  public void unlink() {
    shm.unlink();
  }

  /**
   * Like CPython's repr, in Java's notation:
   * {@code ShareableList([howdy, [72, 111], 2.5, null], name='psm_4a1f9c2e')}.
   */
  @Override
  public String toString() {
    if (shm.isClosed()) {
      return "ShareableList(<closed>, name='" + shm.name() + "')";
    }
    var sb = new StringBuilder("ShareableList([");
    for (int i = 0; i < length; i++) {
      Object v = get(i);
      sb.append(i == 0 ? "" : ", ").append(v instanceof byte[] b ? Arrays.toString(b) : String.valueOf(v));
    }
    return sb.append("], name='").append(shm.name()).append("')").toString();
  }

  // ------------------------------------------------------------------------------ encoding

  /** An item ready to be written: its format, code, slot size and value. */
  private record Encoded(String format, byte code, int slot, Object scalar, byte[] bytes) {}

  private static Encoded encodeForCreate(Object value) {
    if (value instanceof String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      // CPython sizes by characters; grow only where its slot could not hold the UTF-8 bytes
      int slot = ShareableListDescriptor.bytesSlot(s.codePointCount(0, s.length()));
      if (utf8.length > slot) {
        slot = ShareableListDescriptor.bytesSlot(utf8.length);
      }
      return new Encoded(ShareableListDescriptor.bytesFormat(slot), CODE_STR, slot, null, utf8);
    }
    if (value instanceof byte[] b) {
      int slot = ShareableListDescriptor.bytesSlot(b.length);
      return new Encoded(ShareableListDescriptor.bytesFormat(slot), CODE_BYTES, slot, null, b.clone());
    }
    return encodeScalar(value);
  }

  private static Encoded encodeScalar(Object value) {
    return switch (value) {
      case null -> new Encoded(FORMAT_NONE, CODE_NONE, SCALAR_SLOT, null, null);
      case Long l -> new Encoded(FORMAT_INT, CODE_PLAIN, SCALAR_SLOT, l, null);
      case Integer i -> new Encoded(FORMAT_INT, CODE_PLAIN, SCALAR_SLOT, i.longValue(), null);
      case Short s -> new Encoded(FORMAT_INT, CODE_PLAIN, SCALAR_SLOT, s.longValue(), null);
      case Byte b -> new Encoded(FORMAT_INT, CODE_PLAIN, SCALAR_SLOT, b.longValue(), null);
      case Double d -> new Encoded(FORMAT_FLOAT, CODE_PLAIN, SCALAR_SLOT, d, null);
      case Float f -> new Encoded(FORMAT_FLOAT, CODE_PLAIN, SCALAR_SLOT, f.doubleValue(), null);
      case Boolean b -> new Encoded(FORMAT_BOOL, CODE_PLAIN, SCALAR_SLOT, b, null);
      default -> throw new IllegalArgumentException("a ShareableList cannot hold a " + value.getClass().getName()
          + " (" + value + "); items must be Long, Integer, Short, Byte, Double, Float, Boolean, String, byte[] or null");
    };
  }

  private void writeFormatAndCode(int index, String format, byte code) {
    MemorySegment s = shm.segment();
    byte[] f = format.getBytes(StandardCharsets.US_ASCII);
    MemorySegment slot = s.asSlice(formatOffset(index), FORMAT_LENGTH);
    slot.fill((byte) 0);
    MemorySegment.copy(f, 0, slot, JAVA_BYTE, 0, Math.min(f.length, FORMAT_LENGTH));
    s.set(JAVA_BYTE, codeOffset(index), code);
  }

  /** Packs the value as {@code struct.pack_into(format, ...)} does, pad bytes zeroed. */
  private void writeValue(int index, Encoded e) {
    MemorySegment s = shm.segment();
    long at = dataOffset(index);
    switch (e.format) {
      case FORMAT_INT -> s.set(JAVA_LONG_UNALIGNED, at, (Long) e.scalar);
      case FORMAT_FLOAT -> s.set(JAVA_DOUBLE_UNALIGNED, at, (Double) e.scalar);
      case FORMAT_BOOL -> {
        s.asSlice(at, SCALAR_SLOT).fill((byte) 0);
        s.set(JAVA_BYTE, at + BOOL_FLAG_INDEX, (byte) ((Boolean) e.scalar ? 1 : 0));
      }
      case FORMAT_NONE -> s.asSlice(at, SCALAR_SLOT).fill((byte) 0);
      default -> {
        int size = bytesFormatSize(index, e.format);
        MemorySegment slot = s.asSlice(at, size);
        slot.fill((byte) 0);
        MemorySegment.copy(e.bytes, 0, slot, JAVA_BYTE, 0, Math.min(e.bytes.length, size));
      }
    }
  }

  private String readFormat(int index) {
    byte[] f = shm.segment().asSlice(formatOffset(index), FORMAT_LENGTH).toArray(JAVA_BYTE);
    int end = f.length;
    while (end > 0 && f[end - 1] == 0) {
      end--;
    }
    return new String(f, 0, end, StandardCharsets.US_ASCII);
  }

  private byte[] readBytes(int index, String format) {
    int size = bytesFormatSize(index, format);
    return shm.segment().asSlice(dataOffset(index), size).toArray(JAVA_BYTE);
  }

  /** The byte count of a {@code "<n>s"} format, checked against the block. */
  private int bytesFormatSize(int index, String format) {
    if (format.length() < 2 || format.charAt(format.length() - 1) != FORMAT_BYTES_SUFFIX) {
      throw malformed(index, "format '" + format + "' for a str or bytes item");
    }
    int size;
    try {
      size = Integer.parseInt(format, 0, format.length() - 1, 10);
    } catch (NumberFormatException ex) {
      throw malformed(index, "format '" + format + "'");
    }
    if (size < 0 || dataOffset(index) + size > shm.size()) {
      throw malformed(index, "format '" + format + "' reaching past the block");
    }
    return size;
  }

  private static byte[] stripTrailingNuls(byte[] b) {
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    return end == b.length ? b : Arrays.copyOf(b, end);
  }

  private String decode(int index, byte[] utf8) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw malformed(index, "a str that is not valid UTF-8 (" + e + ")");
    }
  }

  private IllegalStateException malformed(int index, String what) {
    return new IllegalStateException("item " + index + " of the ShareableList in '" + shm.name() + "' has " + what
        + "; the block may not hold a ShareableList");
  }

  private long dataOffset(int index) {
    return ShareableListDescriptor.dataStart(length) + slotOffsets[index];
  }

  private long formatOffset(int index) {
    return ShareableListDescriptor.formatAt(length, slotOffsets[length], index);
  }

  private long codeOffset(int index) {
    return ShareableListDescriptor.codeAt(length, slotOffsets[length], index);
  }

  // ------------------------------------------------------------------------------ serialization

  /** Refuses a stream that holds this class's fields instead of its name. */
  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a ShareableList travels as its name");
  }

  /** Serializes as its portable form, the block's name (see {@code Codec.jdkForm}); deserializing attaches. */
  @Serial
  private Object writeReplace() {
    return org.multiprocessing4j.internal.pickle.Codec.jdkForm(this);
  }

}
