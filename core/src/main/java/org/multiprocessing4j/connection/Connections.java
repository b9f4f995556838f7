package org.multiprocessing4j.connection;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.multiprocessing4j.AuthenticationException;
import org.multiprocessing4j.ConnectionClosedException;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.internal.wire.Handshake;
import org.multiprocessing4j.internal.wire.Waiter;

/**
 * The module-level functions of Python's {@code multiprocessing.connection}: the authentication
 * handshake ({@code deliver_challenge}, {@code answer_challenge}) and {@code wait}.
 *
 * <p>The handshake is CPython 3.12's: the delivering side sends {@code #CHALLENGE#{sha256}} and 40
 * random bytes, the answering side replies {@code {sha256}} and the HMAC-SHA256 of that message
 * under the authkey, and the delivering side answers {@code #WELCOME#} or {@code #FAILURE#}. A
 * legacy peer (CPython 3.11 and older: 20-byte challenge, raw 16-byte HMAC-MD5 reply) is
 * recognised by those lengths and answered in kind, so any CPython 3 can be either side. The key
 * itself never travels. Every handshake message is read with a 256-byte limit and none is decoded
 * as an object.
 */
public final class Connections {
  private Connections() {}

  /**
   * Sends a random challenge and checks that the peer answers it with the digest under
   * {@code authkey}; answers {@code #WELCOME#} or {@code #FAILURE#} (Python's
   * {@code deliver_challenge}). Run by {@link Listener#accept()} first and by
   * {@link Client#connect(Address, byte[])} second.
   *
   * @throws AuthenticationException when the answer is wrong (after {@code #FAILURE#} was sent)
   * @throws ConnectionClosedException when the peer goes away during the handshake
   */
  public static void deliverChallenge(Connection connection, byte[] authkey) {
    Handshake.deliverChallenge(connection, authkey);
  }

  /**
   * Receives a challenge, answers it with the digest under {@code authkey}, and expects
   * {@code #WELCOME#} (Python's {@code answer_challenge}).
   *
   * @throws AuthenticationException when the first message is not a challenge or the peer rejects
   *     the answer
   * @throws ConnectionClosedException when the peer goes away during the handshake
   */
  public static void answerChallenge(Connection connection, byte[] authkey) {
    Handshake.answerChallenge(connection, authkey);
  }

  /** Waits for ever until some of {@code objects} are ready; see {@link #wait(Collection, Duration)}. */
  public static List<Object> wait(Collection<?> objects) {
    return wait(objects, null);
  }

  /**
   * Waits until at least one of {@code objects} is ready or {@code timeout} passes, and returns the
   * ready ones in the order given (Python's {@code multiprocessing.connection.wait}); an empty list
   * after a timeout. A {@link Connection} is ready when it has data to receive or its peer has
   * closed (then {@code recv} raises {@link ConnectionClosedException} without blocking); a
   * {@link Process} when it has ended ({@link Process#onExit()} is done).
   *
   * @param timeout null waits for ever; zero or negative checks without waiting
   * @throws IllegalArgumentException for an object that is neither a connection nor a process
   * @throws IllegalStateException for a closed or send-only connection, or a process never started
   * @throws ProcessInterruptedException when the thread is interrupted while waiting
   */
  public static List<Object> wait(Collection<?> objects, Duration timeout) {
    return Waiter.wait(objects, timeout);
  }
}
