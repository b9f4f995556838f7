package org.multiprocessing4j.internal.spawn;

/**
 * The messages a child JVM sends its parent over the control socket, each written as one type
 * byte and a 4-byte value, after the child's pid (8 bytes) as the connection's first word.
 */
enum ControlMessage {
  /** The child JVM booted and pre-warmed; it waits for a process to run (value unused). */
  READY,
  /** The target finished and the child is about to halt with the value as exit code. */
  DONE,
  /** User code called {@code System.exit(value)}: the exit status is the value, not a signal. */
  EXIT;

  private static final ControlMessage[] VALUES = values();

  /** The message with this type byte. */
  static ControlMessage of(byte type) {
    if (type < 0 || type >= VALUES.length) {
      throw new IllegalArgumentException("unknown control message type " + type);
    }
    return VALUES[type];
  }

  /** The type byte on the wire. */
  byte code() {
    return (byte) ordinal();
  }
}
