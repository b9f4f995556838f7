package org.multiprocessing4j.internal.spawn;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** The child's end of the control socket: see {@link ControlServer}. */
final class ControlClient {
  private final SocketChannel channel;
  private final ByteBuffer message = ByteBuffer.allocate(Byte.BYTES + Integer.BYTES);

  private ControlClient(SocketChannel channel) {
    this.channel = channel;
  }

  /** Connects and introduces this JVM by its pid; null when the parent's socket is gone. */
  static ControlClient connect(String path) {
    try {
      var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(path));
      var hello = ByteBuffer.allocate(Long.BYTES).putLong(ProcessHandle.current().pid()).flip();
      while (hello.hasRemaining()) {
        ch.write(hello);
      }
      return new ControlClient(ch);
    } catch (IOException e) {
      return null; // the parent is gone or never listened: the stdin watch ends this JVM
    }
  }

  /** Sends one message; a broken channel means the parent is gone, which the stdin watch handles. */
  synchronized void send(ControlMessage type, int value) {
    message.clear().put(type.code()).putInt(value).flip();
    try {
      while (message.hasRemaining()) {
        channel.write(message);
      }
    } catch (IOException e) {
      // parent gone
    }
  }
}
