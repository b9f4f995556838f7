package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Layout of CPython's {@code multiprocessing.shared_memory.ShareableList} in its block, so that
 * Java and CPython attach each other's lists. Everything is in native byte order ({@code struct}'s
 * native mode), every item slot a multiple of {@value #ALIGNMENT} bytes.
 *
 * <pre>
 *   0          8                        D = (N + 2) * 8          D + L         D + L + 8N
 *   +----------+------------------------+-----------------------+-------------+------------+
 *   |    N     | offset[0] ... offset[N]|      data area        | format[0..N)| code[0..N) |
 *   |  int64   |  int64 each; offset[0] | item i at D+offset[i],| 8 bytes each| 1 byte each|
 *   |          |  = 0, offset[N] = L    | offset[i+1]-offset[i] | NUL-padded  | (int8)     |
 *   |          |                        | bytes long            | struct fmt  |            |
 *   +----------+------------------------+-----------------------+-------------+------------+
 *                                                                         total = D + L + 9N
 * </pre>
 *
 * <p>An item's slot: 8 bytes for an int ({@code "q"}), float ({@code "d"}), bool
 * ({@code "xxxxxxx?"}: the flag is the slot's last byte) or None ({@code "xxxxxx?x"}: all zero);
 * for a str or bytes of length n, {@code 8 * (n / 8 + 1)} bytes and format {@code "<size>s"}, the
 * value NUL-padded (so trailing NULs are lost when read back, as in CPython). The code tells how
 * to turn the unpacked value back into an object: {@link #CODE_PLAIN} (int, float, bool),
 * {@link #CODE_STR} (UTF-8), {@link #CODE_BYTES}, {@link #CODE_NONE}.
 */
public final class ShareableListDescriptor {
  /** Slot granularity ({@code ShareableList._alignment}). */
  public static final int ALIGNMENT = 8;
  /** Bytes of one stored format string ({@code "8s"} per item). */
  public static final int FORMAT_LENGTH = 8;
  /** Bytes of one back-transform code ({@code "b"} per item). */
  public static final int CODE_LENGTH = (int) JAVA_BYTE.byteSize();
  /** Bytes of the int, float, bool and None slots. */
  public static final int SCALAR_SLOT = 8;

  /** Offset of the item count N (int64). */
  public static final long COUNT_OFFSET = 0;
  /** Offset of offset[0]; offset[i] is {@value #COUNT_OFFSET} + 8 + 8i. */
  public static final long ALLOCATED_OFFSETS_OFFSET = COUNT_OFFSET + JAVA_LONG.byteSize();

  /** Format of an int slot: a native int64. */
  public static final String FORMAT_INT = "q";
  /** Format of a float slot: a native double. */
  public static final String FORMAT_FLOAT = "d";
  /** Format of a bool slot: seven pad bytes, then the flag. */
  public static final String FORMAT_BOOL = "xxxxxxx?";
  /** Format of a None slot: six pad bytes, a false flag, a pad byte. */
  public static final String FORMAT_NONE = "xxxxxx?x";
  /** Suffix of the str and bytes formats ({@code "16s"}: 16 bytes, NUL-padded). */
  public static final char FORMAT_BYTES_SUFFIX = 's';
  /** Byte of the bool slot holding the flag. */
  public static final int BOOL_FLAG_INDEX = FORMAT_BOOL.indexOf('?');

  /** Back-transform code: the unpacked value as is (int, float, bool). */
  public static final byte CODE_PLAIN = 0;
  /** Back-transform code: strip trailing NULs, decode UTF-8 (str). */
  public static final byte CODE_STR = 1;
  /** Back-transform code: strip trailing NULs (bytes). */
  public static final byte CODE_BYTES = 2;
  /** Back-transform code: None. */
  public static final byte CODE_NONE = 3;

  private ShareableListDescriptor() {}

  /** Offset of {@code offset[i]}, 0 ≤ i ≤ N. */
  public static long allocatedOffsetAt(int i) {
    return ALLOCATED_OFFSETS_OFFSET + (long) i * JAVA_LONG.byteSize();
  }

  /** Offset D of the data area of a list of {@code n} items. */
  public static long dataStart(int n) {
    return (n + 2L) * JAVA_LONG.byteSize();
  }

  /** Offset of format[i], given N and the data length L (= offset[N]). */
  public static long formatAt(int n, long dataLength, int i) {
    return dataStart(n) + dataLength + (long) i * FORMAT_LENGTH;
  }

  /** Offset of code[i], given N and the data length L. */
  public static long codeAt(int n, long dataLength, int i) {
    return formatAt(n, dataLength, n) + (long) i * CODE_LENGTH;
  }

  /** Bytes of the whole list ({@code struct.calcsize} of CPython's format). */
  public static long totalSize(int n, long dataLength) {
    return codeAt(n, dataLength, n);
  }

  /** Slot bytes CPython allots to a str or bytes of length {@code length}. */
  public static int bytesSlot(int length) {
    return ALIGNMENT * (length / ALIGNMENT + 1);
  }

  /** The format of a str or bytes slot of {@code size} bytes. */
  public static String bytesFormat(int size) {
    return size + String.valueOf(FORMAT_BYTES_SUFFIX);
  }
}
