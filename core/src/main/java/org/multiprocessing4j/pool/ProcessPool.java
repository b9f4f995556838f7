package org.multiprocessing4j.pool;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.multiprocessing4j.Context;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.ProcessException;
import org.multiprocessing4j.ProcessInterruptedException;
import org.multiprocessing4j.ProcessTimeoutException;
import org.multiprocessing4j.function.SerializableBiFunction;
import org.multiprocessing4j.function.SerializableCallable;
import org.multiprocessing4j.function.SerializableFunction;
import org.multiprocessing4j.function.SerializableRunnable;
import org.multiprocessing4j.internal.queue.RingQueue;
import org.multiprocessing4j.internal.ring.RingBuffer;
import org.multiprocessing4j.pool.Jobs.Chunk;
import org.multiprocessing4j.pool.Jobs.Job;

/**
 * The {@link Pool} implementation (Python's {@code multiprocessing.pool.Pool}).
 *
 * <p>Overview of implementation. Each worker slot has a worker process and its own inbox (a
 * {@link RingQueue}); all workers answer through one result queue. The pool hands a chunk to the
 * slot with the fewest chunks in flight, at most {@link #prefetch()} per worker (so a worker finds
 * its next chunks waiting: two for long chunks, up to {@link #MAX_PREFETCH} for short ones, so
 * that small tasks are not paced by the round trip to the worker; one while a worker is starting
 * and no chunk has finished), sending the job's function first if that worker has not had it. A
 * {@code spawn} pool may hold some workers back at its start ({@link #bootsAtOnce}). One
 * result thread reads the result queue, completes jobs, runs callbacks (outside the pool's lock)
 * and hands out more chunks. When a worker's process ends, the pool posts an {@code Exited}
 * message into the same result queue, behind every result the worker sent before it died: the
 * chunk it was running fails ({@link WorkerLostException}, or {@link ProcessTimeoutException}
 * when the pool killed it for running too long), the chunks queued to it go back to the front of
 * the line, and a new worker takes the slot. Messages to a slot are queued under the lock and
 * written outside it, in order, by whoever holds the slot's send lock; a write to a dead worker's
 * full inbox gives up when the worker is seen dead.
 */
final class ProcessPool implements Pool {
  /**
   * Chunks in flight per worker at least (the one running and one waiting in its inbox), once a
   * chunk has finished or no worker is starting (see {@link #prefetch()}).
   */
  private static final int MIN_PREFETCH = 2;
  /** Chunks in flight per worker at most (short chunks). */
  private static final int MAX_PREFETCH = 64;
  /** How much work (by the recent average chunk time) may wait in a worker's inbox. */
  private static final long QUEUED_WORK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** How often the result thread looks at task timeouts and progress while idle. */
  private static final Duration TICK = Duration.ofMillis(100);
  /**
   * How long the result thread waits at a time shortly after a worker started or got ready
   * ({@link #YOUNG_WORKER_NANOS}): a young worker's wake may be skipped (its futex call is still
   * being linked, see {@code Futex}), and a wait on the result queue then sees its message only
   * when its slice (10 ms) ends.
   */
  private static final Duration YOUNG_WORKER_WAIT = Duration.ofMillis(1);
  /** How long after a worker's start or Ready the result thread waits in {@link #YOUNG_WORKER_WAIT}s. */
  private static final long YOUNG_WORKER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /**
   * How long the workers held back at the start ({@link #deferred}) wait at most for a worker to
   * be ready before waiting work starts them anyway.
   */
  private static final long DEFER_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);
  /** Workers that die before reporting ready, in a row, before the pool gives up. */
  private static final int MAX_STARTUP_FAILURES = 5;
  /** Messages from the result queue handled under one lock at most. */
  private static final int MAX_BATCH = 256;
  private static final AtomicLong JOB_IDS = new AtomicLong();
  private static final AtomicLong WORKER_NAMES = new AtomicLong();

  private enum State { RUNNING, CLOSING, TERMINATED }

  private final Context context;
  private final SerializableRunnable initializer;
  private final int maxTasks;
  private final Duration taskTimeout;
  private final Progress progress;
  private final RingQueue<Object> results;
  /** Recent average time a chunk took in a worker, for {@link #prefetch()}; 0 before the first (lock). */
  private long avgChunkNanos;
  private final Slot[] slots;
  /**
   * Slots whose first worker is held back until a worker is ready (see {@link #bootsAtOnce}); empty
   * once they were started (lock).
   */
  private final ArrayDeque<Slot> deferred = new ArrayDeque<>();
  private final long createdAt = System.nanoTime();
  /** Until when ({@link System#nanoTime()}) the result thread waits in short slices (see {@link #YOUNG_WORKER_WAIT}). */
  private volatile long youngWorkersUntil;
  private final Object lock = new Object();
  private final ArrayDeque<Chunk> requeued = new ArrayDeque<>();
  private final ArrayDeque<Job> feeding = new ArrayDeque<>();
  private final Map<Long, Job> jobs = new HashMap<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final Thread resultThread;
  /** Writes to the workers' inboxes what the result thread hands out (see handle()). */
  private final java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor(
      r -> Thread.ofPlatform().daemon().name("mp4j-pool-sender").unstarted(r));
  private State state = State.RUNNING;
  private int startupFailures;
  private volatile boolean workersKilled;
  /** The job that the last result finished, for the progress line. */
  private final java.util.concurrent.atomic.AtomicReference<Job> lastFinished = new java.util.concurrent.atomic.AtomicReference<>();
  private final Set<Long> workerPids = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** One worker place: its current process, inbox and the chunks it holds. */
  private final class Slot {
    final int id;
    Process process;
    RingQueue<Object> inbox;
    int generation;
    boolean ready;
    boolean stopSent;
    boolean killedForTimeout;
    int tasksGiven;
    final ArrayDeque<Chunk> inFlight = new ArrayDeque<>();
    final Set<Long> funcsSent = new HashSet<>();
    final ArrayDeque<Object> outbox = new ArrayDeque<>();
    final java.util.concurrent.locks.ReentrantLock sendLock = new java.util.concurrent.locks.ReentrantLock();
    long runningSince;
    long idleSince;
    // insights
    Long pid;
    long tasksDone;
    long busyNanos;
    long idleNanos;
    long startupNanos;
    /** When the current worker was started ({@link System#nanoTime()}); its start-up ends at its Ready. */
    long startedAt;
    int restarts = -1;

    Slot(int id) {
      this.id = id;
    }
  }

  ProcessPool(Context context, int processes, SerializableRunnable initializer, int maxTasks, Duration taskTimeout,
      boolean showProgress) {
    this.context = context;
    this.initializer = initializer;
    this.maxTasks = maxTasks;
    this.taskTimeout = taskTimeout;
    this.progress = showProgress ? new Progress() : null;
    this.results = RingQueue.createSimple();
    this.slots = new Slot[processes];
    synchronized (lock) {
      try {
        int atOnce = bootsAtOnce(context, processes, initializer);
        for (int i = 0; i < processes; i++) {
          slots[i] = new Slot(i);
          if (i < atOnce) {
            startWorker(slots[i]);
          } else {
            deferred.add(slots[i]);
          }
        }
      } catch (RuntimeException e) {
        for (Slot s : slots) {
          if (s != null && s.process != null) {
            s.process.kill();
            s.inbox.close();
          }
        }
        results.close();
        throw e;
      }
    }
    resultThread = Thread.ofPlatform().daemon().name("mp4j-pool-results").start(this::handleResults);
  }

  // ------------------------------------------------------------------------------ workers

  /**
   * How many workers the constructor starts (the others: see below). A {@code spawn}
   * worker is a JVM booting (some 100 ms of CPU, most of it on one core), and the first result
   * waits for the first worker: with as many booting JVMs as cores, each boots slower (on 2
   * cores, a pool of 2 gave its first result in 150-250 ms, a pool of 1 in 105-150 ms). So a
   * {@code spawn} pool boots at most one JVM fewer than there are cores at once (at least one);
   * the others start when work waits that the started ones have no room for, once one of them is
   * ready (or the pool is 2 s old): a pool that never has more work than that does not boot them.
   * With an initializer every worker starts at once: a worker is ready only after it, and
   * initializers that take long would run one after another.
   */
  static int bootsAtOnce(Context context, int processes, SerializableRunnable initializer) {
    if (initializer != null || !context.getStartMethod().equals(org.multiprocessing4j.internal.spawn.StartMethods.SPAWN)) {
      return processes;
    }
    return Math.min(processes, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
  }

  /**
   * Whether the held-back workers should start now (lock held): once a worker is ready (or the
   * pool is 2 s old, {@link #DEFER_LIMIT_NANOS}) and work waits that no worker has room for. Not
   * without work: a short-lived pool's close would wait for a JVM booting only to be told to stop.
   */
  private boolean heldBackWorkersWanted() {
    if (deferred.isEmpty()) {
      return false;
    }
    boolean anyReady = false;
    for (Slot s : slots) {
      anyReady |= s.process != null && s.ready;
    }
    return (anyReady || System.nanoTime() - createdAt > DEFER_LIMIT_NANOS) && workWaiting();
  }

  /** Whether a chunk is waiting to be handed out (lock held); it stays first in line. */
  private boolean workWaiting() {
    Chunk c = nextChunk();
    if (c == null) {
      return false;
    }
    requeued.addFirst(c);
    return true;
  }

  /**
   * Starts the workers held back at the pool's start ({@link #bootsAtOnce}), or drops them when
   * the pool will need no more workers (lock held).
   */
  private void startDeferred(List<Runnable> after) {
    while (!deferred.isEmpty()) {
      Slot slot = deferred.poll();
      if (state == State.RUNNING || (state == State.CLOSING && !(jobs.isEmpty() && requeued.isEmpty()))) {
        replaceWorker(slot, after);
      }
    }
  }

  /** Starts a worker process in {@code slot} (lock held). */
  private void startWorker(Slot slot) {
    slot.generation++;
    slot.restarts++;
    slot.ready = false;
    slot.stopSent = false;
    slot.killedForTimeout = false;
    slot.tasksGiven = 0;
    slot.funcsSent.clear();
    slot.outbox.clear();
    RingQueue<Object> inbox = RingQueue.createSimple();
    int id = slot.id;
    Process p = context.process(new PoolMessages.Start(id, inbox, results, initializer, maxTasks),
        "PoolWorker-" + WORKER_NAMES.incrementAndGet());
    p.setDaemon(true);
    slot.inbox = inbox;
    slot.process = p;
    int generation = slot.generation;
    slot.startedAt = System.nanoTime();
    youngWorkersUntil = slot.startedAt + YOUNG_WORKER_NANOS;
    p.start();
    workerPids.add(p.pid());
    p.onExit().thenRun(() -> results.put(new PoolMessages.Exited(id, generation, p.exitCode())));
  }

  // ------------------------------------------------------------------------------ submitting

  private <J extends Job> J submit(J job, Runnable immediate) {
    List<Slot> toFlush;
    boolean startHeldBack;
    synchronized (lock) {
      if (state != State.RUNNING) {
        throw new IllegalStateException("Pool not running: it was closed or terminated; create a new pool");
      }
      jobs.put(job.id, job);
      feeding.add(job);
      toFlush = dispatch();
      startHeldBack = heldBackWorkersWanted();
    }
    if (immediate != null) {
      immediate.run();
    }
    flush(toFlush);
    if (startHeldBack) {
      startHeldBackWorkers();
    }
    return job;
  }

  /**
   * Hands out chunks to slots with room (lock held); returns the slots with messages to send.
   */
  private List<Slot> dispatch() {
    var touched = new ArrayList<Slot>();
    while (true) {
      Slot slot = freeSlot();
      if (slot == null) {
        break;
      }
      Chunk chunk = nextChunk();
      if (chunk == null) {
        break;
      }
      Job job = chunk.job();
      if (job.func != null && slot.funcsSent.add(job.id)) {
        slot.outbox.add(new PoolMessages.Func(job.id, job.func));
      }
      slot.outbox.add(new PoolMessages.Task(job.id, chunk.index(), chunk.items(), job.call()));
      if (slot.inFlight.isEmpty()) {
        slot.runningSince = System.nanoTime();
        slot.idleNanos += slot.idleSince == 0 ? 0 : slot.runningSince - slot.idleSince;
      }
      slot.inFlight.add(chunk);
      slot.tasksGiven++;
      if (!touched.contains(slot)) {
        touched.add(slot);
      }
    }
    return touched;
  }

  /**
   * Chunks in flight per worker now: enough that about {@link #QUEUED_WORK_NANOS} of work waits
   * in each inbox, by the recent average time a chunk took (lock held). Before any chunk has
   * finished, while a worker is still starting, one: the chunks waiting in the first ready
   * worker's inbox could be long ones that the others, ready a little later, would run at once.
   */
  private int prefetch() {
    if (avgChunkNanos <= 0) {
      return anyWorkerStarting() ? 1 : MIN_PREFETCH;
    }
    return Math.clamp(QUEUED_WORK_NANOS / avgChunkNanos, MIN_PREFETCH, MAX_PREFETCH);
  }

  /** Whether a worker is held back or has not reported ready yet (lock held). */
  private boolean anyWorkerStarting() {
    if (!deferred.isEmpty()) {
      return true;
    }
    for (Slot s : slots) {
      if (s.process != null && !s.ready) {
        return true;
      }
    }
    return false;
  }

  private Slot freeSlot() {
    int limit = prefetch();
    Slot best = null;
    for (Slot s : slots) {
      if (s.process != null && s.ready && !s.stopSent && s.inFlight.size() < limit
          && (maxTasks <= 0 || s.tasksGiven < maxTasks)
          && (best == null || s.inFlight.size() < best.inFlight.size())) {
        best = s;
      }
    }
    return best;
  }

  /** The next chunk to run: put-back chunks first, then the jobs in submission order (lock held). */
  private Chunk nextChunk() {
    while (!requeued.isEmpty()) {
      Chunk c = requeued.poll();
      if (c.job().wanted()) {
        return c;
      }
    }
    for (var it = feeding.iterator(); it.hasNext(); ) {
      Job job = it.next();
      if (!job.wanted() || job.inputDone()) {
        it.remove();
        continue;
      }
      Chunk c = job.nextChunk(); // null from an imap waiting for its consumer: try later jobs
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * Writes queued messages to their workers, outside the pool's lock, in order per slot; waits
   * while an inbox is full (not on the result thread: see {@link #flushWithoutWaiting}).
   */
  private void flush(List<Slot> touched) {
    for (Slot slot : touched) {
      slot.sendLock.lock();
      try {
        drain(slot, true);
      } finally {
        slot.sendLock.unlock();
      }
    }
  }

  /**
   * The result thread's flush: writes what fits now and hands the rest (a full inbox, or a slot
   * another thread is writing to) to the sender thread. The result thread must never wait for a
   * worker's inbox: that worker may be waiting, with a large result, for the result thread.
   */
  private void flushWithoutWaiting(List<Slot> touched) {
    List<Slot> rest = null;
    for (Slot slot : touched) {
      boolean done = false;
      if (slot.sendLock.tryLock()) {
        try {
          done = drain(slot, false);
        } finally {
          slot.sendLock.unlock();
        }
      }
      if (!done) {
        if (rest == null) {
          rest = new ArrayList<>();
        }
        rest.add(slot);
      }
    }
    if (rest != null) {
      List<Slot> toSender = rest;
      sender.execute(() -> flush(toSender));
    }
  }

  /**
   * Writes the slot's queued messages in order (send lock held); with {@code mayWait} false it
   * stops at the first message that does not fit at once, puts it and the ones after it back and
   * returns false. The outbox is emptied under the pool's lock once per batch, not per message.
   */
  private boolean drain(Slot slot, boolean mayWait) {
    var batch = new ArrayList<Object>();
    while (true) {
      RingQueue<Object> inbox;
      Process process;
      synchronized (lock) {
        batch.addAll(slot.outbox);
        slot.outbox.clear();
        inbox = slot.inbox;
        process = slot.process;
      }
      if (batch.isEmpty()) {
        return true;
      }
      for (int i = 0; i < batch.size(); i++) {
        Object message = batch.get(i);
        byte[] bytes;
        try {
          if (message instanceof Encoded e) { // put back below after it did not fit: not encoded again
            message = e.message();
            bytes = e.bytes();
          } else {
            bytes = inbox.encode(message);
          }
        } catch (PicklingException e) {
          failChunkOf(slot, message, e);
          continue;
        } catch (RuntimeException e) {
          // a handle in the task that refuses to travel (a closed queue or lock): that task fails
          failChunkOf(slot, message, new PicklingException("cannot send a task to a pool worker: " + e.getMessage(), e));
          continue;
        }
        try {
          if (mayWait) {
            inbox.putEncodedWhile(bytes, () -> process.exitCode() == null);
          } else if (!inbox.tryPutEncoded(bytes)) {
            synchronized (lock) {
              if (slot.inbox == inbox) {
                for (int j = batch.size() - 1; j > i; j--) {
                  slot.outbox.addFirst(batch.get(j));
                }
                slot.outbox.addFirst(new Encoded(message, bytes));
              }
            }
            return false;
          }
        } catch (RingBuffer.PeerGoneException | IllegalStateException e) {
          return true; // the worker died (its inbox closed): its Exited message puts its chunks back in line
        }
      }
      batch.clear();
    }
  }

  /** A worker message that was encoded and did not fit in the inbox, back in its outbox with its bytes. */
  private record Encoded(Object message, byte[] bytes) {}

  private void failChunkOf(Slot slot, Object message, PicklingException e) {
    Runnable after = null;
    synchronized (lock) {
      if (message instanceof PoolMessages.Task t) {
        slot.inFlight.removeIf(c -> c.job().id == t.job() && c.index() == t.chunk());
        Job job = jobs.get(t.job());
        if (job != null) {
          after = job.chunkDone(t.chunk(), false, e);
        }
      } else if (message instanceof PoolMessages.Func f) {
        Job job = jobs.get(f.job());
        if (job != null) {
          after = job.fail(e);
        }
      }
    }
    if (after != null) {
      after.run();
    }
  }

  // ------------------------------------------------------------------------------ results

  private void handleResults() {
    var batch = new ArrayList<Object>();
    long lastTick = System.nanoTime();
    try {
      while (true) {
        Object message = results.getOrNull(
            (System.nanoTime() - youngWorkersUntil < 0 ? YOUNG_WORKER_WAIT : TICK).toNanos());
        if (message == null) {
          if (System.nanoTime() - lastTick >= TICK.toNanos()) {
            lastTick = System.nanoTime();
            tick();
          }
          continue;
        }
        // whatever else has arrived is handled with it: one lock, one dispatch, one flush
        batch.clear();
        while (message != null) {
          if (message instanceof PoolMessages.Shutdown) {
            handle(batch);
            return;
          }
          batch.add(message);
          message = batch.size() < MAX_BATCH ? results.pollOrNull() : null;
        }
        handle(batch);
      }
    } catch (RuntimeException e) {
      if (state != State.TERMINATED) {
        System.err.println("multiprocessing4j: the pool's result thread failed: " + e);
        e.printStackTrace();
      }
    } finally {
      sender.shutdown();
      if (workersKilled) {
        // a killed worker never gave its hold on the result queue back: once every worker's
        // process is gone (they report their exit a little before the OS is done), remove it
        for (long pid : workerPids) {
          ProcessHandle.of(pid).ifPresent(h -> {
            try {
              h.onExit().get(2, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
              // reap what can be reaped
            }
          });
        }
        results.closeAndReap();
      } else {
        results.close();
      }
    }
  }

  private void handle(List<Object> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<Runnable> after = new ArrayList<>();
    List<Slot> toFlush;
    boolean startHeldBack;
    boolean anyResult = false;
    synchronized (lock) {
      for (Object message : batch) {
        anyResult |= message instanceof PoolMessages.Result;
        handleOne(message, after);
      }
      toFlush = dispatch();
      startHeldBack = heldBackWorkersWanted();
      finishIfDone();
    }
    after.forEach(ProcessPool::runCallback);
    if (!toFlush.isEmpty()) {
      flushWithoutWaiting(toFlush);
    }
    if (startHeldBack) {
      startHeldBackWorkers();
    }
    if (progress != null) {
      var shown = jobs();
      Job finished = anyResult ? lastFinished.getAndSet(null) : null;
      if (finished != null && !shown.contains(finished)) {
        shown.add(finished); // its last chunk just came in: show it complete once
      }
      progress.show(shown);
    }
  }

  /**
   * Starts the held-back workers, for a dispatch that left work waiting
   * ({@link #heldBackWorkersWanted}), once the work it handed out was sent: a start (a fork of
   * this JVM) before that would delay the first result by some milliseconds.
   */
  private void startHeldBackWorkers() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      startDeferred(after);
    }
    after.forEach(ProcessPool::runCallback);
  }

  /** Handles one message from the result queue (lock held). */
  private void handleOne(Object message, List<Runnable> after) {
    switch (message) {
      case PoolMessages.Ready r -> {
        Slot s = slots[r.worker()];
        s.ready = true;
        s.pid = r.pid();
        s.idleSince = System.nanoTime();
        s.startupNanos += s.idleSince - s.startedAt;
        startupFailures = 0;
        youngWorkersUntil = System.nanoTime() + YOUNG_WORKER_NANOS;
      }
      case PoolMessages.Result r -> onResult(r, after);
      case PoolMessages.Exited e -> onExited(e, after);
      default -> throw new IllegalStateException("the pool got an unknown message " + message);
    }
  }

  private void onResult(PoolMessages.Result r, List<Runnable> after) {
    Slot s = slots[r.worker()];
    Chunk chunk = s.inFlight.poll();
    long now = System.nanoTime();
    s.tasksDone++;
    s.busyNanos += r.busyNanos();
    // moving average over the last ~8 chunks; at least 1 µs (a chunk costs that to send anyway)
    long busy = Math.max(1_000, r.busyNanos());
    avgChunkNanos = avgChunkNanos <= 0 ? busy : avgChunkNanos + (busy - avgChunkNanos) / 8;
    if (s.inFlight.isEmpty()) {
      s.idleSince = now;
    } else {
      s.runningSince = now;
    }
    Job job = chunk != null ? chunk.job() : jobs.get(r.job());
    if (job == null) {
      return;
    }
    Runnable done = job.chunkDone(r.chunk(), r.ok(), r.value());
    if (done != null) {
      after.add(done);
    }
    retireIfFinished(job);
  }

  private void onExited(PoolMessages.Exited e, List<Runnable> after) {
    Slot s = slots[e.worker()];
    if (e.generation() != s.generation) {
      return;
    }
    boolean wasReady = s.ready;
    Chunk running = s.inFlight.poll();
    if (running != null) {
      String who = s.process.getName() + " (pid " + s.pid + ")";
      RuntimeException failure = s.killedForTimeout
          ? new ProcessTimeoutException("the task ran longer than the pool's task timeout of " + taskTimeout
              + "; its worker " + who + " was killed and replaced")
          : new WorkerLostException("the pool worker " + who + " died with exit code " + e.exitCode()
              + " while running this task; the worker was replaced");
      Runnable done = running.job().chunkDone(running.index(), false, failure);
      if (done != null) {
        after.add(done);
      }
      retireIfFinished(running.job());
    }
    for (var it = s.inFlight.descendingIterator(); it.hasNext(); ) {
      requeued.addFirst(it.next());
    }
    s.inFlight.clear();
    boolean normalExit = e.exitCode() != null && e.exitCode() == 0;
    if (normalExit) {
      s.inbox.close();
    } else {
      s.inbox.closeAndReap(); // a killed worker never gave its hold on the inbox back
      workersKilled = true;
    }
    s.process = null;
    s.ready = false;
    if (!wasReady && running == null && state == State.RUNNING) {
      startupFailures++;
    }
    if (startupFailures >= MAX_STARTUP_FAILURES) {
      var failure = new ProcessException(MAX_STARTUP_FAILURES + " pool workers in a row died while starting (last exit"
          + " code " + e.exitCode() + "; see their stderr, e.g. the initializer's exception): the pool gives up");
      failAll(failure, after);
      state = State.TERMINATED;
      killAll();
    } else if (state == State.RUNNING || (state == State.CLOSING && !jobs.isEmpty())) {
      replaceWorker(s, after);
    }
  }

  /** Starts a new worker in {@code slot}; a start that fails counts as a start-up failure (lock held). */
  private void replaceWorker(Slot slot, List<Runnable> after) {
    while (true) {
      try {
        startWorker(slot);
        return;
      } catch (RuntimeException e) {
        slot.process = null;
        if (++startupFailures >= MAX_STARTUP_FAILURES) {
          failAll(new ProcessException("the pool cannot start workers any more: " + e.getMessage(), e), after);
          state = State.TERMINATED;
          killAll();
          return;
        }
      }
    }
  }

  private void retireIfFinished(Job job) {
    if (job.finished() && jobs.containsKey(job.id)) {
      lastFinished.set(job);
    }
    if (job.finished() && jobs.remove(job.id) != null && job.func != null) {
      for (Slot s : slots) {
        if (s.process != null && s.funcsSent.remove(job.id)) {
          s.outbox.add(new PoolMessages.Forget(job.id));
        }
      }
    }
  }

  /** Kills workers whose task is overdue (the timeout option); called on the result thread. */
  private void tick() {
    List<Slot> overdue = new ArrayList<>();
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (heldBackWorkersWanted()) {
        startDeferred(after); // e.g. the first worker is slow to get ready (a busy machine) and work waits
      }
      // jobs cancelled before any of their chunks ran get no result to retire them
      new ArrayList<>(jobs.values()).forEach(this::retireIfFinished);
      if (taskTimeout != null) {
        long now = System.nanoTime();
        for (Slot s : slots) {
          if (s.process != null && !s.inFlight.isEmpty() && !s.killedForTimeout
              && now - s.runningSince > taskTimeout.toNanos()) {
            s.killedForTimeout = true;
            overdue.add(s);
          }
        }
      }
      finishIfDone();
    }
    after.forEach(ProcessPool::runCallback);
    for (Slot s : overdue) {
      s.process.kill();
    }
    if (progress != null) {
      progress.show(jobs());
    }
  }

  private List<Job> jobs() {
    synchronized (lock) {
      return new ArrayList<>(jobs.values());
    }
  }

  /** When closing and no work is left, tells the workers to stop; when all are gone, ends (lock held). */
  private void finishIfDone() {
    if (state == State.CLOSING && jobs.isEmpty() && requeued.isEmpty()) {
      boolean anyAlive = false;
      for (Slot s : slots) {
        if (s.process != null) {
          anyAlive = true;
          if (!s.stopSent) {
            s.stopSent = true;
            s.outbox.add(new PoolMessages.Stop());
            Thread.ofVirtual().start(() -> flush(List.of(s)));
          }
        }
      }
      if (!anyAlive) {
        state = State.TERMINATED;
      }
    }
    if (state == State.TERMINATED && terminated.getCount() > 0) {
      boolean anyAlive = false;
      for (Slot s : slots) {
        anyAlive |= s.process != null;
      }
      if (!anyAlive) {
        terminated.countDown();
        results.put(new PoolMessages.Shutdown());
      }
    }
  }

  private void failAll(RuntimeException failure, List<Runnable> after) {
    for (Job job : jobs.values()) {
      Runnable r = job.fail(failure);
      if (r != null) {
        after.add(r);
      }
    }
    jobs.clear();
    feeding.clear();
    requeued.clear();
  }

  private void killAll() {
    for (Slot s : slots) {
      if (s.process != null) {
        s.process.terminate();
      }
    }
  }

  private static void runCallback(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // Python's result handler survives a failing callback; report it as Python would
      System.err.println("multiprocessing4j: a pool callback threw " + e);
      e.printStackTrace();
    }
  }

  // ------------------------------------------------------------------------------ Pool API

  @Override
  public <R> R apply(SerializableCallable<R> func) {
    return applyAsync(func).get();
  }

  @Override
  public <R> AsyncResult<R> applyAsync(SerializableCallable<R> func) {
    return applyAsync(func, null, null);
  }

  @Override
  public <R> AsyncResult<R> applyAsync(SerializableCallable<R> func, Consumer<? super R> callback,
      Consumer<? super Throwable> errorCallback) {
    return submit(new Jobs.ApplyJob<R>(JOB_IDS.incrementAndGet(), func, callback, errorCallback), null).result;
  }

  @Override
  public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items) {
    return this.<T, R>mapAsync(func, items).get();
  }

  @Override
  public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items, int chunksize) {
    return this.<T, R>mapAsync(func, items, chunksize).get();
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func,
      Iterable<? extends T> items) {
    return mapAsync(func, items, 0, null, null);
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func,
      Iterable<? extends T> items, int chunksize) {
    return mapAsync(func, items, checkChunksize(chunksize), null, null);
  }

  @Override
  public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> func,
      Iterable<? extends T> items, int chunksize, Consumer<? super List<R>> callback,
      Consumer<? super Throwable> errorCallback) {
    List<? extends T> list = toList(items);
    int size = chunksize > 0 ? chunksize : defaultChunksize(list.size());
    var job = new Jobs.MapJob<R>(JOB_IDS.incrementAndGet(), func, list, size, callback, errorCallback);
    return submit(job, job.completeIfEmpty()).result;
  }

  /** Python's rule: {@code ceil(len / (4 × workers))}, at least 1. */
  private int defaultChunksize(int n) {
    int per = slots.length * 4;
    return Math.max(1, (n + per - 1) / per);
  }

  private static int checkChunksize(int chunksize) {
    if (chunksize < 1) {
      throw new IllegalArgumentException("Chunksize must be 1+, not " + chunksize);
    }
    return chunksize;
  }

  private static <T> List<T> toList(Iterable<T> items) {
    if (items instanceof List<T> l) {
      return l;
    }
    var list = new ArrayList<T>();
    items.forEach(list::add);
    return list;
  }

  @Override
  public <T, R> ImapIterator<R> imap(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items) {
    return imap(func, items, 1);
  }

  @Override
  public <T, R> ImapIterator<R> imap(SerializableFunction<? super T, ? extends R> func, Iterable<? extends T> items,
      int chunksize) {
    return imapJob(func, items, checkChunksize(chunksize), true);
  }

  @Override
  public <T, R> ImapIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> func,
      Iterable<? extends T> items) {
    return imapUnordered(func, items, 1);
  }

  @Override
  public <T, R> ImapIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> func,
      Iterable<? extends T> items, int chunksize) {
    return imapJob(func, items, checkChunksize(chunksize), false);
  }

  private <R> ImapIterator<R> imapJob(Serializable func, Iterable<?> items, int chunksize, boolean ordered) {
    int window = imapWindow(slots.length, chunksize);
    var job = new Jobs.ImapJob<R>(JOB_IDS.incrementAndGet(), func, items.iterator(), chunksize, ordered, window,
        this::inputMayFlow);
    return submit(job, null);
  }

  /**
   * How many chunks an imap reads ahead of its consumer: enough to keep every worker's inbox as
   * full as {@link #prefetch()} allows, twice over, but about {@code workers x MAX_PREFETCH x 2}
   * items at most when chunks are larger than one item.
   */
  static int imapWindow(int workers, int chunksize) {
    return Math.max(workers * MIN_PREFETCH * 2, workers * MAX_PREFETCH * 2 / chunksize);
  }

  /** An imap's consumer took a chunk: more of its input may be read. */
  private void inputMayFlow() {
    List<Slot> toFlush;
    synchronized (lock) {
      if (state == State.TERMINATED) {
        return;
      }
      toFlush = dispatch();
    }
    flush(toFlush);
  }

  @Override
  public <T, U, R> List<R> starmap(SerializableBiFunction<T, U, R> func, Iterable<Map.Entry<T, U>> items) {
    var pairs = new ArrayList<Object[]>();
    for (Map.Entry<T, U> e : items) {
      pairs.add(new Object[] {e.getKey(), e.getValue()}); // Map.entry() pairs are not serializable
    }
    SerializableFunction<Object[], R> spread = pair -> starCall(func, pair);
    return map(spread, pairs);
  }

  @SuppressWarnings("unchecked")
  private static <T, U, R> R starCall(SerializableBiFunction<T, U, R> func, Object[] pair) {
    return func.apply((T) pair[0], (U) pair[1]);
  }

  @Override
  public List<WorkerInsight> insights() {
    synchronized (lock) {
      var list = new ArrayList<WorkerInsight>();
      long now = System.nanoTime();
      for (Slot s : slots) {
        long idle = s.idleNanos + (s.process != null && s.ready && s.inFlight.isEmpty() ? now - s.idleSince : 0);
        list.add(new WorkerInsight(s.id, s.pid, s.tasksDone, Duration.ofNanos(s.busyNanos), Duration.ofNanos(idle),
            Duration.ofNanos(s.startupNanos), Math.max(0, s.restarts)));
      }
      return list;
    }
  }

  // ------------------------------------------------------------------------------ lifecycle

  @Override
  public void close() {
    shutdown();
    awaitTerminated(null);
  }

  @Override
  public void shutdown() {
    List<Slot> toFlush = List.of();
    synchronized (lock) {
      if (state == State.RUNNING) {
        state = State.CLOSING;
        finishIfDone();
      }
    }
    flush(toFlush);
  }

  @Override
  public void terminate() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (state != State.TERMINATED) {
        state = State.TERMINATED;
        failAll(new ProcessException("the pool was terminated before this task finished"), after);
        killAll();
        finishIfDone();
      }
    }
    after.forEach(ProcessPool::runCallback);
    awaitTerminated(null);
  }

  @Override
  public List<Runnable> shutdownNow() {
    terminate();
    return List.of(); // tasks are serialized functions, not Runnables of this JVM: none to hand back
  }

  @Override
  public void join() {
    synchronized (lock) {
      if (state == State.RUNNING) {
        throw new IllegalStateException("Pool is still running: call close(), shutdown() or terminate() before join()");
      }
    }
    awaitTerminated(null);
  }

  private boolean awaitTerminated(Duration timeout) {
    try {
      if (timeout == null) {
        terminated.await();
        resultThread.join();
        return true;
      }
      return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessInterruptedException("interrupted while waiting for the pool's workers to exit", e);
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return state != State.RUNNING;
    }
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  // ------------------------------------------------------------------------------ ExecutorService

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return applyAsync(serializable(task));
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    SerializableRunnable r = serializableRunnable(task);
    return applyAsync(() -> {
      r.run();
      return result;
    });
  }

  @Override
  public Future<?> submit(Runnable task) {
    return submit(task, null);
  }

  @Override
  public void execute(Runnable command) {
    SerializableRunnable r = serializableRunnable(command);
    applyAsync(() -> {
      r.run();
      return null;
    }, null, e -> {
      System.err.println("multiprocessing4j: a task given to Pool.execute threw " + e);
      e.printStackTrace();
    });
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
    var futures = new ArrayList<Future<T>>();
    for (Callable<T> t : tasks) {
      futures.add(submit(t));
    }
    for (Future<T> f : futures) {
      try {
        f.get();
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        // invokeAll returns the failed future as it is
      }
    }
    return futures;
  }

  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    var futures = new ArrayList<Future<T>>();
    for (Callable<T> t : tasks) {
      futures.add(submit(t));
    }
    for (Future<T> f : futures) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !((AsyncResult<T>) f).await(Duration.ofNanos(left))) {
        futures.forEach(x -> x.cancel(false));
        break;
      }
    }
    return futures;
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
    try {
      return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("unreachable: no timeout was given", e);
    }
  }

  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("invokeAny needs at least one task");
    }
    var any = new java.util.concurrent.CompletableFuture<T>();
    var failures = new java.util.concurrent.atomic.AtomicInteger(tasks.size());
    var results = new ArrayList<AsyncResult<T>>();
    for (Callable<T> t : tasks) {
      results.add(applyAsync(serializable(t), any::complete, e -> {
        if (failures.decrementAndGet() == 0) {
          any.completeExceptionally(e);
        }
      }));
    }
    try {
      return timeout == Long.MAX_VALUE ? any.get() : any.get(timeout, unit);
    } finally {
      results.forEach(r -> r.cancel(false));
    }
  }

  private static <T> SerializableCallable<T> serializable(Callable<T> task) {
    if (task instanceof SerializableCallable<T> s) {
      return s;
    }
    if (!(task instanceof Serializable)) {
      throw new PicklingException("cannot send the task " + task.getClass().getName() + " to a pool worker: it is"
          + " not Serializable; write it as a lambda where a SerializableCallable is expected, or make the class"
          + " implement java.io.Serializable", null);
    }
    return task::call;
  }

  private static SerializableRunnable serializableRunnable(Runnable task) {
    if (task instanceof SerializableRunnable s) {
      return s;
    }
    if (!(task instanceof Serializable)) {
      throw new PicklingException("cannot send the task " + task.getClass().getName() + " to a pool worker: it is"
          + " not Serializable; write it as a lambda where a SerializableRunnable is expected, or make the class"
          + " implement java.io.Serializable", null);
    }
    return task::run;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      var inFlight = new ArrayList<Integer>();
      for (Slot slot : slots) {
        inFlight.add(slot.inFlight.size());
      }
      return "<Pool state=" + state + " pool_size=" + slots.length + " jobs=" + jobs.size() + " queued="
          + requeued.size() + " in_flight=" + inFlight + ">";
    }
  }
}
