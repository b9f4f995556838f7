package org.multiprocessing4j.sharedctypes;

/**
 * An array of {@link CType#C_CHAR} (typecode {@code 'c'}): a fixed-size byte buffer that also
 * holds a NUL-terminated string, as ctypes' {@code c_char} arrays do with their {@code value}
 * and {@code raw} attributes (Python's {@code SynchronizedString} when synchronized).
 *
 * <pre>{@code
 * CharArray s = SharedCTypes.charArray("hello world");    // Array('c', b'hello world')
 * s.setValue(s.value().toUpperCase());                      // s.value = s.value.upper()
 * System.out.println(s.value());                            // HELLO WORLD
 * }</pre>
 *
 * <p>Characters are bytes: strings are encoded and decoded as ISO-8859-1 (Python's
 * {@code 'latin'}), so each {@code char} up to U+00FF is one byte and back.
 */
public interface CharArray extends Array<Byte> {
  /**
   * The bytes up to the first NUL (all of them when there is none), as a string (ctypes'
   * {@code value}).
   */
  String value();

  /**
   * Writes {@code s} from the start and, when it is shorter than the array, a NUL after it; the
   * bytes after that NUL are left as they were (ctypes' {@code value = b'...'}).
   *
   * @throws IllegalArgumentException when {@code s} is longer than the array (Python:
   *     {@code ValueError: byte string too long}) or has a character above U+00FF
   */
  void setValue(String s);

  /** All {@link #length()} bytes, NULs included (ctypes' {@code raw}). */
  byte[] raw();

  /**
   * Writes {@code bytes} from the start, leaving the rest as it was (ctypes' {@code raw = b'...'}).
   *
   * @throws IllegalArgumentException when {@code bytes} is longer than the array
   */
  void setRaw(byte[] bytes);

  /** The raw array a synchronized one wraps; see {@link Array#getObj()}. */
  @Override
  CharArray getObj();
}
