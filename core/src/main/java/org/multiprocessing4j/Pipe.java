package org.multiprocessing4j;

import org.multiprocessing4j.connection.Connection;

/**
 * The two ends of a pipe: Python's {@code multiprocessing.Pipe()} returns them as a tuple.
 *
 * <pre>{@code
 * Pipe pipe = Multiprocessing.pipe();
 * var p = new Process(() -> { pipe.conn2().send(List.of(42, "hello")); pipe.conn2().close(); });
 * p.start();
 * System.out.println(pipe.conn1().recv());   // [42, hello]
 * p.join();
 * }</pre>
 *
 * <p>A duplex pipe (the default) sends both ways; a simplex one ({@code pipe(false)}) has a
 * receive-only {@code conn1} and a send-only {@code conn2}, as in Python. The pipe lives in shared
 * memory (a ring per direction, see {@link Connection}); either end can be passed to a child or
 * sent through a queue, and reattaches there.
 *
 * @param conn1 the first end (receive-only for a simplex pipe)
 * @param conn2 the second end (send-only for a simplex pipe)
 */
public record Pipe(Connection conn1, Connection conn2) {}
