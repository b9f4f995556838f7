package org.multiprocessing4j.examples;

import java.io.PrintStream;
import java.util.Arrays;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Pipe;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.connection.Connection;

/**
 * The specification's "Exchanging objects between processes: Pipes" example: a child sends a
 * list through its end of a pipe, the parent receives it from the other.
 *
 * <pre>
 * def f(conn):
 *     conn.send([42, None, 'hello'])
 *     conn.close()
 *
 * parent_conn, child_conn = Pipe()
 * p = Process(target=f, args=(child_conn,)); p.start()
 * print parent_conn.recv()   # prints "[42, None, 'hello']"
 * p.join()
 * </pre>
 *
 * Prints {@code [42, null, hello]}.
 */
public final class PipeExample {
  private PipeExample() {}

  static void f(Connection conn) {
    conn.send(Arrays.asList(42, null, "hello"));
    conn.close();
  }

  /** Runs the example, printing to {@code out}. */
  public static void run(PrintStream out) {
    Pipe pipe = Multiprocessing.pipe();
    try (Connection parentConn = pipe.conn1(); Connection childConn = pipe.conn2()) {
      var p = new Process(() -> f(childConn));
      p.start();
      out.println(parentConn.recv()); // prints "[42, null, hello]"
      p.join();
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    run(System.out);
  }
}
