package org.multiprocessing4j.bench.workloads;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.multiprocessing4j.Barrier;
import org.multiprocessing4j.Queue;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.connection.Listener;
import org.multiprocessing4j.connection.TcpAddress;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;

/**
 * The targets the Java workloads run in children. They live in this small class on purpose: a
 * child deserializes a lambda by loading (and verifying) the class that created it, so keeping
 * them out of the workload classes keeps the bench's own code out of the figures.
 */
public final class Targets {
  private Targets() {}

  /**
   * Does nothing. Also the target of the bench's first start, which sets off the training of the
   * child JVMs' AOT cache: the cache then holds this class, as a program's holds the class of its
   * first target (see bench/README.md).
   */
  public static SerializableRunnable empty() {
    return () -> {};
  }

  /**
   * Reads the clock on its first line, then opens {@code path}, reads the clock again and writes
   * both readings as two big-endian longs ({@link System#nanoTime()}: CLOCK_MONOTONIC on Linux).
   */
  static SerializableRunnable stampInto(String path) {
    return () -> {
      long running = System.nanoTime();
      try (var out = new FileOutputStream(path)) {
        long last = System.nanoTime();
        out.write(ByteBuffer.allocate(2 * Long.BYTES).putLong(running).putLong(last).array());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Creates the file {@code marker}, then sleeps until the process is terminated. */
  static SerializableRunnable markThenSleep(String marker) {
    return () -> {
      try {
        new FileOutputStream(marker).close();
        Thread.sleep(Long.MAX_VALUE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Sends back every object it receives until it receives null. */
  static SerializableRunnable echoObjects(Connection conn) {
    return () -> {
      Object o;
      while ((o = conn.recv()) != null) {
        conn.send(o);
      }
      conn.close();
    };
  }

  /**
   * Counts the byte messages it receives: an empty message sends the count so far on {@code acks}
   * and starts again from 0; a one-byte message ends the loop.
   */
  static SerializableRunnable countBytes(Connection in, Connection acks) {
    return () -> {
      long count = 0;
      byte[] buf = new byte[4096];
      while (true) {
        int n = in.recvBytesInto(buf);
        if (n == 0) {
          acks.send(count);
          count = 0;
        } else if (n == 1) {
          break;
        } else {
          count++;
        }
      }
      in.close();
      acks.close();
    };
  }

  /** Waits on {@code start}, then puts the ints 0 .. n-1 and then -1 on {@code queue}. */
  static SerializableRunnable produceInts(Queue<Integer> queue, Barrier start, int n) {
    return () -> {
      start.await();
      for (int i = 0; i < n; i++) {
        queue.put(i);
      }
      queue.put(-1);
      queue.close();
      queue.joinThread();
    };
  }

  /**
   * Listens on 127.0.0.1 (any port) with {@code authkey}, puts the port on {@code ports}, accepts
   * one client and echoes its byte messages until an empty one.
   */
  static SerializableRunnable echoServer(Queue<Integer> ports, byte[] authkey) {
    return () -> {
      try (var listener = new Listener(new TcpAddress("127.0.0.1", 0), 16, authkey)) {
        ports.put(((TcpAddress) listener.address()).port());
        try (Connection c = listener.accept()) {
          byte[] b;
          while ((b = c.recvBytes()).length > 0) {
            c.sendBytes(b);
          }
        }
      }
    };
  }

  /** x * x. */
  static SerializableFunction<Integer, Integer> square() {
    return x -> x * x;
  }

  /** Returns 1. */
  static SerializableCallable<Integer> one() {
    return () -> 1;
  }
}
