package org.multiprocessing4j.internal.wire;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.connection.Connection;

/** A connection whose received messages are scripted and whose sent messages are recorded. */
class ScriptedConnection implements Connection {
  final Deque<byte[]> incoming = new ArrayDeque<>();
  final List<byte[]> sent = new ArrayList<>();

  ScriptedConnection(byte[]... messages) {
    incoming.addAll(List.of(messages));
  }

  @Override
  public void send(Object obj) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Object recv() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void sendBytes(byte[] buf, int offset, int size) {
    sent.add(java.util.Arrays.copyOfRange(buf, offset, offset + size));
  }

  @Override
  public byte[] recvBytes() {
    if (incoming.isEmpty()) {
      throw new ConnectionClosedException("script ended");
    }
    return incoming.removeFirst();
  }

  @Override
  public byte[] recvBytes(int maxLength) {
    return recvBytes();
  }

  @Override
  public int recvBytesInto(byte[] buf, int offset) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean poll(Duration timeout) {
    return !incoming.isEmpty();
  }

  @Override
  public boolean isClosed() {
    return false;
  }

  @Override
  public boolean readable() {
    return true;
  }

  @Override
  public boolean writable() {
    return true;
  }

  @Override
  public void close() {}
}
