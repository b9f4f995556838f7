package org.multiprocessing4j.pool;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.multiprocessing4j.internal.futex.Spin;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.ProcessTimeoutException;

/**
 * The jobs of a pool (Python's {@code ApplyResult}, {@code MapResult}, {@code IMapIterator}): what
 * was asked, its chunks, and how results come together. Chunk bookkeeping is done by the pool
 * under its lock; the jobs' own state is guarded by the job.
 */
final class Jobs {
  private Jobs() {}

  /** A piece of work for one worker: chunk {@code index} of {@code job}. */
  record Chunk(Job job, int index, List<?> items) {}

  /** A job: its id, the function sent once to each worker (null for apply), and its chunks. */
  abstract static class Job {
    final long id;
    final Serializable func;

    Job(long id, Serializable func) {
      this.id = id;
      this.func = func;
    }

    /** The call of an {@code apply}, sent inside its task; null for map jobs. */
    Serializable call() {
      return null;
    }

    /** The next chunk to run, read from the input now; null when none is available now. */
    abstract Chunk nextChunk();

    /** Whether every chunk has been handed out (none will come from {@link #nextChunk()}). */
    abstract boolean inputDone();

    /** A chunk finished; returns what to run outside the pool's lock (completions, callbacks). */
    abstract Runnable chunkDone(int index, boolean ok, Object value);

    /** Whether the job needs nothing more from the workers. */
    abstract boolean finished();

    /** Fails the whole job (pool terminated); returns what to run outside the lock. */
    abstract Runnable fail(Throwable failure);

    /** Whether a chunk of this job may still be dispatched (not cancelled, not failed). */
    boolean wanted() {
      return !finished();
    }

    /** Items done so far and in all (-1 while unknown), for progress. */
    long itemsDone() {
      return 0;
    }

    long itemsTotal() {
      return -1;
    }
  }

  /** The {@link AsyncResult} of apply and map jobs: a {@link CompletableFuture} underneath. */
  static final class Result<R> implements AsyncResult<R> {
    final CompletableFuture<R> future = new CompletableFuture<>();

    /**
     * Looks at the future for a few tens of microseconds before blocking: a pool round trip is
     * about that long, and waking a parked thread costs as much again (see {@link Spin}).
     */
    private void spinBriefly(long atMostNanos) {
      Spin.until(future::isDone, Math.min(Spin.DEFAULT_NANOS, atMostNanos));
    }

    @Override
    public R get() {
      spinBriefly(Long.MAX_VALUE);
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessInterruptedException("interrupted while waiting for a pool result", e);
      } catch (ExecutionException e) {
        throw Outcomes.rethrow(e.getCause());
      }
    }

    @Override
    public R get(Duration timeout) {
      spinBriefly(Math.max(0, timeout.toNanos()));
      try {
        return future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw new ProcessTimeoutException("the pool result was not ready within " + timeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessInterruptedException("interrupted while waiting for a pool result", e);
      } catch (ExecutionException e) {
        throw Outcomes.rethrow(e.getCause());
      }
    }

    @Override
    public R get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
      try {
        return future.get(timeout, unit);
      } catch (ExecutionException e) {
        throw new ExecutionException(Outcomes.unwrap(e.getCause()));
      }
    }

    @Override
    public boolean await(Duration timeout) {
      try {
        future.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException | CancellationException e) {
        // not ready, or ready with a failure: ready() tells
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProcessInterruptedException("interrupted while waiting for a pool result", e);
      }
      return ready();
    }

    @Override
    public boolean ready() {
      return future.isDone();
    }

    @Override
    public boolean successful() {
      if (!future.isDone()) {
        throw new IllegalStateException("the result is not ready: successful() needs ready() first");
      }
      return !future.isCompletedExceptionally();
    }

    @Override
    public CompletableFuture<R> toCompletableFuture() {
      var copy = new CompletableFuture<R>();
      future.whenComplete((v, t) -> {
        if (t != null) {
          copy.completeExceptionally(Outcomes.unwrap(t instanceof java.util.concurrent.CompletionException c ? c.getCause() : t));
        } else {
          copy.complete(v);
        }
      });
      return copy;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return future.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }

    @Override
    public boolean isDone() {
      return future.isDone();
    }

    @Override
    public State state() {
      return future.state();
    }

    /** Completes with a value, then runs the callback. */
    Runnable succeed(R value, Consumer<? super R> callback) {
      return () -> {
        if (future.complete(value) && callback != null) {
          callback.accept(value);
        }
      };
    }

    /** Completes with a failure, then runs the error callback with the caller's view of it. */
    Runnable fail(Throwable failure, Consumer<? super Throwable> errorCallback) {
      return () -> {
        if (future.completeExceptionally(failure) && errorCallback != null) {
          errorCallback.accept(Outcomes.unwrap(failure));
        }
      };
    }
  }

  /** {@code apply}: one task. */
  static final class ApplyJob<R> extends Job {
    final Result<R> result = new Result<>();
    private final Serializable call;
    private final Consumer<? super R> callback;
    private final Consumer<? super Throwable> errorCallback;
    private boolean handedOut;
    private boolean settled;

    ApplyJob(long id, Serializable call, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
      super(id, null);
      this.call = call;
      this.callback = callback;
      this.errorCallback = errorCallback;
    }

    @Override
    Serializable call() {
      return call;
    }

    @Override
    Chunk nextChunk() {
      if (handedOut) {
        return null;
      }
      handedOut = true;
      return new Chunk(this, 0, null);
    }

    @Override
    boolean inputDone() {
      return handedOut;
    }

    @Override
    @SuppressWarnings("unchecked")
    Runnable chunkDone(int index, boolean ok, Object value) {
      settled = true;
      return ok ? result.succeed((R) value, callback) : result.fail(failure(value), errorCallback);
    }

    @Override
    boolean finished() {
      return settled || result.isCancelled();
    }

    @Override
    Runnable fail(Throwable failure) {
      settled = true;
      return result.fail(failure, errorCallback);
    }
  }

  /** A task's failure value: a remote exception is marked so that get() rebuilds it. */
  static Throwable failure(Object value) {
    Throwable t = (Throwable) value;
    return t instanceof org.multiprocessing4j.ProcessTimeoutException || t instanceof WorkerLostException
        ? t : new Outcomes.Remote(t);
  }

  /** {@code map}, {@code map_async}, {@code starmap}: all input known, results collected in order. */
  static final class MapJob<R> extends Job {
    final Result<List<R>> result = new Result<>();
    private final List<?> items;
    private final int chunksize;
    private final int chunks;
    private final Object[] results;
    private final Consumer<? super List<R>> callback;
    private final Consumer<? super Throwable> errorCallback;
    private int handedOut;
    private int done;
    private long itemsDone;
    private boolean settled;

    MapJob(long id, Serializable func, List<?> items, int chunksize, Consumer<? super List<R>> callback,
        Consumer<? super Throwable> errorCallback) {
      super(id, func);
      this.items = items;
      this.chunksize = chunksize;
      this.chunks = (items.size() + chunksize - 1) / chunksize;
      this.results = new Object[chunks];
      this.callback = callback;
      this.errorCallback = errorCallback;
    }

    @Override
    Chunk nextChunk() {
      if (handedOut >= chunks || finished()) {
        return null;
      }
      int from = handedOut * chunksize;
      int to = Math.min(items.size(), from + chunksize);
      // an ArrayList (the codec's compact form for lists), filled in one pass: new ArrayList<>(subList)
      // would copy the references twice (the sublist's toArray, then the list's own array)
      var part = new ArrayList<>(to - from);
      for (Object item : items.subList(from, to)) {
        part.add(item);
      }
      var chunk = new Chunk(this, handedOut, part);
      handedOut++;
      return chunk;
    }

    @Override
    boolean inputDone() {
      return handedOut >= chunks || finished();
    }

    @Override
    @SuppressWarnings("unchecked")
    Runnable chunkDone(int index, boolean ok, Object value) {
      if (settled) {
        return null;
      }
      if (!ok) {
        settled = true;
        return result.fail(failure(value), errorCallback); // Python: the first failure fails the map
      }
      results[index] = value;
      itemsDone += ((List<?>) value).size();
      if (++done < chunks) {
        return null;
      }
      settled = true;
      return result.succeed(ChunkedList.of(results, chunksize), callback);
    }

    /** An empty map completes at once. */
    Runnable completeIfEmpty() {
      if (chunks != 0) {
        return null;
      }
      settled = true;
      return result.succeed(new ArrayList<>(), callback);
    }

    @Override
    boolean finished() {
      return settled || result.isCancelled();
    }

    @Override
    Runnable fail(Throwable failure) {
      settled = true;
      return result.fail(failure, errorCallback);
    }

    @Override
    long itemsDone() {
      return itemsDone;
    }

    @Override
    long itemsTotal() {
      return items.size();
    }
  }

  /**
   * {@code imap} and {@code imap_unordered}: input read lazily, at most {@code window} chunks
   * ahead of the consumer, so an endless iterator needs bounded memory.
   */
  static final class ImapJob<R> extends Job implements ImapIterator<R> {
    private record Outcome(int index, boolean ok, Object value) {}

    private final Iterator<?> input;
    private final int chunksize;
    private final boolean ordered;
    private final int window;
    private final Runnable onConsumed;
    /**
     * Ordered: arrived chunks by index, in a circle of {@code window} places (a chunk's index is
     * less than {@code window} ahead of the next one to consume: no more are handed out).
     */
    private final Outcome[] arrived;
    private final ArrayDeque<Outcome> arrivedUnordered = new ArrayDeque<>();
    private final ArrayDeque<Object> current = new ArrayDeque<>();
    private int handedOut;
    private int received;
    private int consumed;
    private boolean notifyPool;
    /** nextChunk() held back because the window was full: tell the pool when there is room again. */
    private boolean heldBack;
    /** Bumped on every result or failure that arrives: what {@link #spinForArrival} watches. */
    private volatile int arrivals;
    private boolean exhausted;
    private boolean failedAll;
    private Throwable failure;
    private long itemsDone;

    ImapJob(long id, Serializable func, Iterator<?> input, int chunksize, boolean ordered, int window,
        Runnable onConsumed) {
      super(id, func);
      this.input = input;
      this.chunksize = chunksize;
      this.ordered = ordered;
      this.window = window;
      this.onConsumed = onConsumed;
      this.arrived = ordered ? new Outcome[window] : null;
    }

    @Override
    synchronized Chunk nextChunk() {
      if (exhausted || failedAll) {
        return null;
      }
      if (handedOut - consumed >= window) {
        heldBack = true;
        return null;
      }
      var items = new ArrayList<>(chunksize);
      while (items.size() < chunksize && input.hasNext()) {
        items.add(input.next());
      }
      if (!input.hasNext()) {
        exhausted = true;
        notifyAll();
      }
      if (items.isEmpty()) {
        return null;
      }
      return new Chunk(this, handedOut++, items);
    }

    @Override
    synchronized boolean inputDone() {
      return exhausted || failedAll;
    }

    @Override
    synchronized Runnable chunkDone(int index, boolean ok, Object value) {
      var outcome = new Outcome(index, ok, ok ? value : failure(value));
      if (ordered) {
        if (index < consumed) {
          return null; // consumed already: a second report of a chunk (none is expected)
        }
        arrived[index % window] = outcome;
      } else {
        arrivedUnordered.add(outcome);
      }
      if (ok) {
        itemsDone += ((List<?>) value).size();
      }
      received++;
      arrivals++;
      notifyAll();
      return null;
    }

    @Override
    synchronized boolean finished() {
      return failedAll || (exhausted && received >= handedOut);
    }

    @Override
    synchronized Runnable fail(Throwable failure) {
      failedAll = true;
      arrivals++;
      this.failure = failure;
      notifyAll();
      return null;
    }

    @Override
    synchronized long itemsDone() {
      return itemsDone;
    }

    @Override
    synchronized long itemsTotal() {
      return exhausted ? -2 : -1; // -2: known to end, count not kept (items are read lazily)
    }

    // ------------------------------------------------------------------ the iterator

    @Override
    public boolean hasNext() {
      spinForArrival(Spin.DEFAULT_NANOS);
      boolean more = await(Long.MAX_VALUE);
      tellPoolIfConsumed();
      return more;
    }

    /** After a chunk was consumed, the pool may read more input (outside this job's lock). */
    private void tellPoolIfConsumed() {
      boolean tell;
      synchronized (this) {
        tell = notifyPool;
        notifyPool = false;
      }
      if (tell) {
        onConsumed.run();
      }
    }

    @Override
    public R next() {
      if (!hasNext()) {
        throw new NoSuchElementException("imap has returned every result");
      }
      return take();
    }

    @Override
    public R next(Duration timeout) {
      spinForArrival(Math.min(Spin.DEFAULT_NANOS, Math.max(0, timeout.toNanos())));
      long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
      boolean ready = await(deadline);
      tellPoolIfConsumed();
      if (!ready) {
        if (isOver()) {
          throw new NoSuchElementException("imap has returned every result");
        }
        throw new ProcessTimeoutException("no imap result within " + timeout);
      }
      return take();
    }

    private synchronized boolean isOver() {
      return current.isEmpty() && !failedAll && exhausted && consumed >= handedOut;
    }

    /**
     * When nothing is at hand, looks for a new arrival for a while before {@link #await} blocks:
     * with small tasks the next result is microseconds away, and a consumer parked on the
     * monitor costs a wake-up per result (see {@link Spin}).
     */
    private void spinForArrival(long nanos) {
      int seen = arrivals;
      if (!nothingAtHand()) {
        return;
      }
      Spin.until(() -> arrivals != seen, nanos);
    }

    /** The ordered outcome of chunk {@code index} if it has arrived, else null. */
    private Outcome arrivedAt(int index) {
      Outcome o = arrived[index % window];
      return o != null && o.index() == index ? o : null;
    }

    private synchronized boolean nothingAtHand() {
      return current.isEmpty() && !failedAll && !(exhausted && consumed >= handedOut)
          && (ordered ? arrivedAt(consumed) == null : arrivedUnordered.isEmpty());
    }

    /** Waits until an item (or a failure) is at hand; false when the iteration is over or the deadline passed. */
    private synchronized boolean await(long deadline) {
      while (true) {
        if (!current.isEmpty() || failedAll) {
          return true;
        }
        Outcome next = ordered ? arrivedAt(consumed) : arrivedUnordered.poll();
        if (ordered && next != null) {
          arrived[consumed % window] = null;
        }
        if (next != null) {
          consumed++;
          if (next.ok()) {
            current.addAll((List<?>) next.value());
          } else {
            current.add(next);
          }
          if (heldBack && handedOut - consumed <= window / 2) {
            heldBack = false; // room for half a window: worth a dispatch
            notifyPool = true;
          }
          continue;
        }
        if (exhausted && consumed >= handedOut) {
          return false;
        }
        long remaining = deadline == Long.MAX_VALUE ? 0 : deadline - System.nanoTime();
        if (deadline != Long.MAX_VALUE && remaining <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, deadline == Long.MAX_VALUE ? TimeUnit.SECONDS.toNanos(1) : remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProcessInterruptedException("interrupted while waiting for an imap result", e);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private synchronized R take() {
      if (failedAll) {
        throw Outcomes.rethrow(failure);
      }
      Object item = current.poll();
      if (item instanceof Outcome failed) {
        throw Outcomes.rethrow((Throwable) failed.value());
      }
      return (R) item;
    }
  }
}
