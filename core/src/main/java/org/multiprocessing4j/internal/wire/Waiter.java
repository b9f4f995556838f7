package org.multiprocessing4j.internal.wire;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.connection.Connection;
import org.multiprocessing4j.internal.futex.Spin;

/**
 * {@code Connections.wait}: blocks until some of the given connections can be read or processes
 * have ended.
 *
 * <p>Socket connections are watched with one Selector (data or end of stream makes a socket
 * readable), processes through their {@code onExit()} future, which wakes the selector. Other
 * {@link Connection} implementations (pipes on shared-memory rings), which have no channel, are
 * first looked at for a few tens of microseconds (see {@link Spin}: an answer that is on its way
 * is seen at once), then polled with {@code poll()} at intervals growing from
 * {@value #MIN_POLL_MILLIS} to {@value #MAX_POLL_MILLIS} ms.
 */
public final class Waiter {
  static final long MIN_POLL_MILLIS = 1;
  static final long MAX_POLL_MILLIS = 5;

  private Waiter() {}

  /** See {@code Connections.wait}. */
  public static List<Object> wait(Collection<?> objects, Duration timeout) {
    List<Object> items = List.copyOf(objects);
    long deadline = timeout == null ? 0 : System.nanoTime() + Math.max(0, saturatedNanos(timeout));
    Map<Object, CompletableFuture<?>> exits = new IdentityHashMap<>();
    List<Connection> polled = new ArrayList<>();
    var wakeTarget = new AtomicReference<Selector>();
    try (Selector selector = Selector.open()) {
      wakeTarget.set(selector);
      for (Object o : items) {
        switch (o) {
          case SocketConnection s -> {
            checkWaitable(s);
            try {
              s.selectableChannel().register(selector, SelectionKey.OP_READ, s);
            } catch (ClosedChannelException e) {
              checkWaitable(s);   // closed since the check: report it as closed
              throw new IllegalStateException("the " + s.description() + " is closed", e);
            }
          }
          case Connection c -> {
            checkWaitable(c);
            polled.add(c);
          }
          case Process p -> {
            CompletableFuture<?> exit = p.onExit();
            exits.put(p, exit);
            exit.whenComplete((r, e) -> {
              Selector s = wakeTarget.get();
              if (s != null) {
                s.wakeup();
              }
            });
          }
          case null -> throw new NullPointerException("cannot wait on null");
          default -> throw new IllegalArgumentException("cannot wait on a " + o.getClass().getName()
              + ": wait takes connections and processes");
        }
      }
      long pollMillis = MIN_POLL_MILLIS;
      if (!polled.isEmpty()) {
        long spin = timeout == null ? Spin.DEFAULT_NANOS : Math.min(Spin.DEFAULT_NANOS, deadline - System.nanoTime());
        Spin.until(() -> anyReady(polled), spin);
      }
      while (true) {
        List<Object> ready = new ArrayList<>();
        selector.selectNow();
        var selected = new IdentityHashMap<Object, Boolean>();
        for (SelectionKey key : selector.selectedKeys()) {
          selected.put(key.attachment(), Boolean.TRUE);
        }
        selector.selectedKeys().clear();
        for (Object o : items) {
          boolean isReady = switch (o) {
            case SocketConnection s -> selected.containsKey(s) || s.hasBufferedInput() || s.isClosed();
            case Connection c -> c.isClosed() || c.poll();
            case Process p -> exits.get(p).isDone();
            default -> false;
          };
          if (isReady) {
            ready.add(o);
          }
        }
        if (!ready.isEmpty()) {
          return ready;
        }
        long waitMillis;
        if (timeout == null) {
          waitMillis = 0;   // select(0) waits for ever
        } else {
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            return ready;
          }
          waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining + 999_999));
        }
        if (!polled.isEmpty()) {
          waitMillis = waitMillis == 0 ? pollMillis : Math.min(waitMillis, pollMillis);
          pollMillis = Math.min(MAX_POLL_MILLIS, pollMillis * 2);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new ProcessInterruptedException("interrupted while waiting on " + items.size() + " objects",
              new InterruptedException());
        }
        selector.select(waitMillis);
        if (Thread.currentThread().isInterrupted()) {
          throw new ProcessInterruptedException("interrupted while waiting on " + items.size() + " objects",
              new InterruptedException());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot wait on connections: " + e.getMessage(), e);
    } finally {
      wakeTarget.set(null);
    }
  }

  private static boolean anyReady(List<Connection> polled) {
    for (Connection c : polled) {
      if (c.isClosed() || c.poll()) {
        return true;
      }
    }
    return false;
  }

  private static void checkWaitable(Connection c) {
    if (c.isClosed()) {
      throw new IllegalStateException("cannot wait on " + c + ": it is closed (handle is closed)");
    }
    if (!c.readable()) {
      throw new IllegalStateException("cannot wait on " + c + ": it is not readable");
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? 0 : Long.MAX_VALUE / 4;
    }
  }
}
