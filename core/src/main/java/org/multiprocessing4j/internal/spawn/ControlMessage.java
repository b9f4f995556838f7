package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The messages a child JVM sends its parent on the control FIFO ({@link ControlServer}): each is
 * one record of {@value #BYTES} bytes — the sender's pid (8 bytes), a type byte and a 4-byte value
 * — written with one {@code write(2)}, which a FIFO keeps whole however many children write.
 */
enum ControlMessage {
  /** The child JVM booted and pre-warmed; it waits for a process to run (value unused). */
  READY,
  /** The target finished and the child is about to halt with the value as exit code. */
  DONE,
  /** The JVM exits through {@code System.exit}, not a signal: its exit status is an exit code (value unused). */
  EXIT,
  /** Written by the parent itself: every record before it has been read once it is (see ControlServer.sync). */
  SYNC,
  /** Written by the parent itself at exit: the reader thread stops. */
  STOP;

  /** Bytes of one record. */
  static final int BYTES = Long.BYTES + Byte.BYTES + Integer.BYTES;

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

  /** Puts a sender's pid into the first bytes of a record (big-endian, as the reader reads it). */
  static void putPid(byte[] record, long pid) {
    for (int i = 0; i < Long.BYTES; i++) {
      record[i] = (byte) (pid >>> (56 - 8 * i));
    }
  }

  /** Puts a message's type and value into a record whose pid is set ({@link #putPid}). */
  static void putMessage(byte[] record, ControlMessage type, int value) {
    record[Long.BYTES] = type.code();
    for (int i = 0; i < Integer.BYTES; i++) {
      record[Long.BYTES + 1 + i] = (byte) (value >>> (24 - 8 * i));
    }
  }

  /**
   * Writes one record of this message from {@code pid} with {@code value} to the FIFO; a failure
   * (the FIFO closed, the other side gone) is ignored: the OS exit statuses still tell the exit
   * codes. The caller serializes writers of one channel.
   */
  void writeTo(FileChannel channel, long pid, int value) {
    byte[] bytes = new byte[BYTES];
    putPid(bytes, pid);
    putMessage(bytes, this, value);
    ByteBuffer record = ByteBuffer.wrap(bytes);
    // a pending interrupt would close the channel (it is interruptible): set it aside meanwhile
    boolean interrupted = Thread.interrupted();
    try {
      while (record.hasRemaining()) {
        channel.write(record);
      }
    } catch (IOException e) {
      // closed, or the reader is gone
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
