package org.multiprocessing4j.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The specification's "Listeners and Clients" example (spec/multiprocessing.rst), in Java, with its
 * documented output. The server listens with the authkey {@code 'secret password'}, sends a list,
 * {@code send_bytes('hello')} and {@code send_bytes(array('i', [42, 1729]))}; the client receives
 * them, the array into a five-int buffer with {@code recv_bytes_into}.
 *
 * <pre>
 *   Python                                   here
 *   [2.25, None, 'junk', &lt;type 'float'&gt;]     [2.25, null, junk, class java.lang.Double]
 *   'hello'                                  hello
 *   8                                        8
 *   array('i', [42, 1729, 0, 0, 0])          [42, 1729, 0, 0, 0]
 * </pre>
 */
class ListenerClientExampleTest {
  private static final byte[] AUTHKEY = "secret password".getBytes();

  /** The server program: {@code address} is where to listen; prints through {@code out}. */
  static void server(TcpAddress address, CompletableFuture<Address> listening, List<String> out) {
    try (var listener = new Listener(address, 1, AUTHKEY)) {   // family is deduced to be TCP
      listening.complete(listener.address());
      try (var conn = listener.accept()) {
        out.add("connection accepted from " + listener.lastAccepted());
        conn.send(Arrays.asList(2.25, null, "junk", Double.class));
        conn.sendBytes("hello".getBytes());
        conn.sendBytes(intArray(42, 1729));   // array('i', [42, 1729]): native-order C ints
      }
    }
  }

  /** The client program. */
  static void client(Address address, List<String> out) {
    try (var conn = Client.connect(address, AUTHKEY)) {
      out.add(String.valueOf(conn.recv()));                        // => [2.25, null, junk, class java.lang.Double]
      out.add(new String(conn.recvBytes()));                       // => hello
      byte[] arr = intArray(0, 0, 0, 0, 0);
      out.add(String.valueOf(conn.recvBytesInto(arr)));            // => 8
      out.add(Arrays.toString(ints(arr)));                         // => [42, 1729, 0, 0, 0]
    }
  }

  @Test
  void theExampleProducesItsDocumentedOutput() throws Exception {
    List<String> serverOut = Collections.synchronizedList(new ArrayList<>());
    List<String> clientOut = new ArrayList<>();
    var listening = new CompletableFuture<Address>();
    try (var bg = new Background()) {
      // the documentation listens on ('localhost', 6000); port 0 keeps parallel builds apart
      Future<?> serverRun = bg.run(() -> server(new TcpAddress("localhost", 0), listening, serverOut));
      Address address = Background.await(listening);
      client(address, clientOut);
      Background.await(serverRun);
    }
    assertThat(serverOut).singleElement().asString().matches("connection accepted from 127\\.0\\.0\\.1:\\d+");
    assertThat(clientOut).containsExactly(
        "[2.25, null, junk, class java.lang.Double]",
        "hello",
        "8",
        "[42, 1729, 0, 0, 0]");
  }

  private static byte[] intArray(int... values) {
    var buf = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.nativeOrder());
    buf.asIntBuffer().put(values);
    return buf.array();
  }

  private static int[] ints(byte[] bytes) {
    int[] values = new int[bytes.length / Integer.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asIntBuffer().get(values);
    return values;
  }
}
