package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.internal.wire.Frames;
import org.multiprocessing4j.internal.wire.SocketConnection;

/**
 * CPython's framing on the wire, against a raw socket peer that writes and reads bytes by hand:
 * both header forms, truncated and oversized frames, and frames cut by an interrupt.
 */
class ConnectionFramingTest {
  private static final int LIMIT = 1024;
  private ServerSocketChannel server;
  private SocketChannel raw;
  private SocketConnection conn;

  @BeforeEach
  void connect() throws IOException {
    server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    raw = SocketChannel.open(server.getLocalAddress());
    conn = new SocketConnection(server.accept(), "test connection", LIMIT);
  }

  @AfterEach
  void close() throws IOException {
    conn.close();
    raw.close();
    server.close();
  }

  private void write(ByteBuffer b) throws IOException {
    b.flip();
    while (b.hasRemaining()) {
      raw.write(b);
    }
  }

  private byte[] readExactly(int n) throws IOException {
    var b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (raw.read(b) < 0) {
        throw new IOException("end of stream after " + b.position() + " of " + n + " bytes");
      }
    }
    return b.array();
  }

  @Test
  void sentMessagesCarryAFourByteBigEndianLengthPrefix() throws IOException {
    conn.sendBytes("abc".getBytes());
    conn.sendBytes(new byte[0]);
    assertThat(readExactly(7)).containsExactly(0, 0, 0, 3, 'a', 'b', 'c');
    assertThat(readExactly(4)).containsExactly(0, 0, 0, 0);
    byte[] big = new byte[70_000];
    Arrays.fill(big, (byte) 9);
    conn.sendBytes(big);
    assertThat(readExactly(4)).containsExactly(0, 1, 0x11, 0x70);
    assertThat(readExactly(big.length)).isEqualTo(big);
  }

  @Test
  void theLongHeaderFormIsAcceptedForAnyLength() throws IOException {
    write(ByteBuffer.allocate(17).putInt(-1).putLong(5).put("hello".getBytes()));
    assertThat(conn.recvBytes()).asString().isEqualTo("hello");
    write(ByteBuffer.allocate(12).putInt(-1).putLong(0));
    assertThat(conn.recvBytes()).isEmpty();
  }

  @Test
  void aMessageSplitIntoManyWritesIsReassembled() throws IOException {
    byte[] frame = ByteBuffer.allocate(14).putInt(-1).putLong(2).put("ok".getBytes()).array();
    try (var bg = new Background()) {
      Future<byte[]> received = bg.call(conn::recvBytes);
      for (byte b : frame) {
        write(ByteBuffer.allocate(1).put(b));
      }
      assertThat(Background.await(received)).asString().isEqualTo("ok");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFrameCutShortByTheEndOfTheStreamIsReportedAsTruncated() throws IOException {
    write(ByteBuffer.allocate(14).putInt(100).put("0123456789".getBytes()));
    raw.shutdownOutput();
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("in the middle of a message (10 of 100 bytes arrived)")
        .hasMessageContaining("truncated");
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void aHeaderCutShortByTheEndOfTheStreamIsReportedAsTruncated() throws IOException {
    write(ByteBuffer.allocate(2).put((byte) 0).put((byte) 0));
    raw.shutdownOutput();
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("in the middle of a message header");
  }

  @Test
  void aFrameLongerThanTheLimitClosesTheConnectionWithAClearError() throws IOException {
    write(ByteBuffer.allocate(4).putInt(LIMIT + 1));
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ProcessException.class)
        .hasMessageContaining("message of 1025 bytes").hasMessageContaining("limit of 1024 bytes")
        .hasMessageContaining("-D" + SocketConnection.MAX_MESSAGE_PROPERTY);
    assertThat(conn.isClosed()).isTrue();
    assertThat(raw.read(ByteBuffer.allocate(1))).isEqualTo(-1);
  }

  @Test
  void aLongFormLengthBeyondTheLimitIsRefusedEvenWhenItOverflowsSignedLongs() throws IOException {
    write(ByteBuffer.allocate(12).putInt(-1).putLong(-2));
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ProcessException.class)
        .hasMessageContaining("limit of 1024 bytes");
    assertThat(conn.isClosed()).isTrue();
  }

  @Test
  void aMessageExactlyAtTheLimitIsAccepted() throws IOException {
    byte[] body = new byte[LIMIT];
    Arrays.fill(body, (byte) 1);
    write(ByteBuffer.allocate(4 + LIMIT).putInt(LIMIT).put(body));
    assertThat(conn.recvBytes()).isEqualTo(body);
  }

  @Test
  void aNegativeLengthIsAProtocolErrorThatClosesTheConnection() throws IOException {
    write(ByteBuffer.allocate(4).putInt(-5));
    assertThatThrownBy(conn::recvBytes).isInstanceOf(ProcessException.class)
        .hasMessageContaining("invalid message header: length -5");
    assertThat(conn.isClosed()).isTrue();
  }

  @Test
  void aHugeAnnouncedMessageThatNeverArrivesCostsNoHugeAllocation() throws IOException {
    // default limit (the largest array): the 2 GiB announced are never allocated up front
    try (var lenient = new SocketConnection(acceptAnother(), "lenient test connection", Frames.MAX_ARRAY_BYTES)) {
      write(ByteBuffer.allocate(14).putInt(Frames.MAX_ARRAY_BYTES).put("0123456789".getBytes()));
      raw.shutdownOutput();
      assertThatThrownBy(lenient::recvBytes).isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("10 of " + Frames.MAX_ARRAY_BYTES + " bytes arrived");
    }
  }

  /** Replaces {@link #raw} with a new client and returns the server side of it. */
  private SocketChannel acceptAnother() throws IOException {
    raw.close();
    raw = SocketChannel.open(server.getLocalAddress());
    return server.accept();
  }

  @Test
  void aRecvInterruptedInTheMiddleOfAMessageResumesTheSameMessageNextTime() throws Exception {
    byte[] body = new byte[100];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    write(ByteBuffer.allocate(54).putInt(100).put(body, 0, 50));
    try (var bg = new Background()) {
      var thread = new CompletableFuture<Thread>();
      Future<Throwable> first = bg.call(() -> {
        thread.complete(Thread.currentThread());
        try {
          conn.recvBytes();
          return null;
        } catch (ProcessInterruptedException e) {
          return e;
        }
      });
      Thread t = thread.get();
      await().atMost(Background.PATIENCE).until(() -> Background.blockedInSelect(t));
      t.interrupt();
      assertThat(Background.await(first)).isInstanceOf(ProcessInterruptedException.class);
    }
    write(ByteBuffer.allocate(50).put(body, 50, 50));
    assertThat(conn.recvBytes()).isEqualTo(body);
  }

  @Test
  void theMessageLimitComesFromASystemProperty() {
    String old = System.getProperty(SocketConnection.MAX_MESSAGE_PROPERTY);
    try {
      System.clearProperty(SocketConnection.MAX_MESSAGE_PROPERTY);
      assertThat(SocketConnection.configuredMaxMessageBytes()).isEqualTo(Frames.MAX_ARRAY_BYTES);
      System.setProperty(SocketConnection.MAX_MESSAGE_PROPERTY, "1048576");
      assertThat(SocketConnection.configuredMaxMessageBytes()).isEqualTo(1 << 20);
      System.setProperty(SocketConnection.MAX_MESSAGE_PROPERTY, "lots");
      assertThatThrownBy(SocketConnection::configuredMaxMessageBytes).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(SocketConnection.MAX_MESSAGE_PROPERTY + "=lots");
      System.setProperty(SocketConnection.MAX_MESSAGE_PROPERTY, "4294967296");
      assertThatThrownBy(SocketConnection::configuredMaxMessageBytes).isInstanceOf(IllegalArgumentException.class);
    } finally {
      if (old == null) {
        System.clearProperty(SocketConnection.MAX_MESSAGE_PROPERTY);
      } else {
        System.setProperty(SocketConnection.MAX_MESSAGE_PROPERTY, old);
      }
    }
  }
}
