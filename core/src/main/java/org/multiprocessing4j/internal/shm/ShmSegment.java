package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.CREATOR_PID_OFFSET;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.HEADER_LENGTH;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.MAGIC;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.MAGIC_OFFSET;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.OWNERS_OFFSET;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.PAYLOAD_OFFSET;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.PAYLOAD_SIZE_OFFSET;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.VERSION;
import static org.multiprocessing4j.internal.shm.SegmentDescriptor.VERSION_OFFSET;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.multiprocessing4j.internal.spawn.ExitHooks;
import org.multiprocessing4j.internal.spawn.ProcessAccess;
import org.multiprocessing4j.internal.util.OwnPid;

/**
 * A shared-memory segment of the library: a file {@code mp4j-<rootpid>-<random>} in /dev/shm
 * with the header of {@link SegmentDescriptor} and a payload, unlinked when the last process that
 * holds it lets go. Locks, values and rings put their state in the {@link #payload()}.
 *
 * <pre>{@code
 * try (ShmSegment seg = ShmSegment.create(MyDescriptor.LENGTH)) {
 *   String name = seg.name();                       // send it to another process, which does
 *   ...                                             // try (var s = ShmSegment.attach(name)) { ... }
 * }
 * }</pre>
 *
 * <p>Reference counting: the header's owner count counts <em>processes</em>. A JVM maps a
 * segment once, however many handles to it it holds (deserializing the same lock handle a
 * thousand times costs one mapping); the handles share it with a local count, and when the last
 * handle of this JVM closes, the JVM unmaps and takes its 1 off the owner count. Whoever takes
 * the count to 0 unlinks the name; an attacher that finds 0 gives up (the segment is dying).
 * At JVM exit the segments still attached give their count back (without unmapping: threads that
 * still run after the exit actions keep working). A process killed with SIGKILL cannot give its
 * count back; the root's exit sweep and the next start-up sweep ({@link ShmSweeper}) remove what
 * that leaves behind. A name in flight (serialized, not yet attached) holds no count: its sender
 * must keep its handle open until the receiver has attached.
 *
 * <p>Handles are thread-safe; {@link #close()} is idempotent. Accessing the payload after the
 * JVM's last handle closed throws {@link IllegalStateException}.
 */
public final class ShmSegment implements AutoCloseable {
  private static final String WHAT = "shared memory segment";
  /** Random bytes in a name: 64 bits, so names never collide in practice. */
  private static final int RANDOM_BYTES = Long.BYTES;
  /** Attempts at a free random name before giving up (a collision is already unheard of). */
  private static final int NAME_ATTEMPTS = 8;
  private static final VarHandle INT = JAVA_INT.varHandle();

  /** This JVM's mappings by name; guarded by itself. */
  private static final Map<String, Mapped> MAPPED = new HashMap<>();
  private static boolean exitHookInstalled;

  private final Mapped mapped;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ShmSegment(Mapped mapped) {
    this.mapped = mapped;
  }

  /**
   * Creates a segment with {@code payloadBytes} bytes of zeroed payload, owned by this process
   * (owner count 1), named after this process tree's root.
   *
   * @throws IllegalArgumentException when {@code payloadBytes} is negative
   * @throws UncheckedIOException when /dev/shm refuses the file
   */
  public static ShmSegment create(long payloadBytes) {
    if (payloadBytes < 0) {
      throw new IllegalArgumentException("a segment's payload size must not be negative: " + payloadBytes);
    }
    ShmSweeper.sweepOnceAtStartup();
    long size = Math.addExact(HEADER_LENGTH, payloadBytes);
    for (int attempt = 1; ; attempt++) {
      String name = newName(ProcessAccess.rootPid());
      ShmFiles.Mapping mapping;
      try {
        mapping = ShmFiles.create(name, size, WHAT);
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof FileAlreadyExistsException && attempt < NAME_ATTEMPTS) {
          continue;
        }
        throw e;
      }
      MemorySegment s = mapping.segment();
      s.set(JAVA_INT, VERSION_OFFSET, VERSION);
      s.set(JAVA_LONG, PAYLOAD_SIZE_OFFSET, payloadBytes);
      s.set(JAVA_LONG, CREATOR_PID_OFFSET, OwnPid.PID);
      s.set(JAVA_INT, OWNERS_OFFSET, 1);
      INT.setRelease(s, MAGIC_OFFSET, MAGIC);
      synchronized (MAPPED) {
        installExitHook();
        Mapped m = new Mapped(mapping, payloadBytes);
        MAPPED.put(name, m);
        return new ShmSegment(m);
      }
    }
  }

  /**
   * Attaches to the segment called {@code name}: maps it (or shares this JVM's mapping) and
   * counts this process as an owner.
   *
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when no such segment
   *     exists or its last owner is releasing it
   * @throws IllegalStateException when the file is not a segment of this library's layout version
   */
  public static ShmSegment attach(String name) {
    ShmFiles.checkName(name);
    ShmSweeper.sweepOnceAtStartup();
    synchronized (MAPPED) {
      Mapped m = MAPPED.get(name);
      if (m != null) {
        m.localHandles++;
        return new ShmSegment(m);
      }
      ShmFiles.Mapping mapping = ShmFiles.open(name, WHAT);
      try {
        long payloadBytes = validate(mapping);
        if (!incrementOwners(mapping.segment())) {
          throw new UncheckedIOException(WHAT + " '" + name + "' is being destroyed: its last owner has released it",
              new NoSuchFileException(ShmFiles.path(name).toString(), null, "its last owner has released it"));
        }
        installExitHook();
        m = new Mapped(mapping, payloadBytes);
        MAPPED.put(name, m);
        return new ShmSegment(m);
      } catch (RuntimeException e) {
        mapping.unmap();
        throw e;
      }
    }
  }

  /** The segment's name in /dev/shm: {@code mp4j-<rootpid>-<random>}. */
  public String name() {
    return mapped.mapping.name();
  }

  /**
   * The payload: the bytes after the header, {@code payloadSize()} long, 64-byte aligned.
   *
   * @throws IllegalStateException when this handle is closed
   */
  public MemorySegment payload() {
    if (closed.get()) {
      throw new IllegalStateException("shared memory segment " + name() + " is closed; attach it again");
    }
    return mapped.payload;
  }

  /** The payload's length in bytes, as given to {@link #create}. */
  public long payloadSize() {
    return mapped.payloadBytes;
  }

  /** How many processes hold this segment now (the header's owner count); for diagnostics. */
  public int owners() {
    return (int) INT.getVolatile(mapped.mapping.segment(), OWNERS_OFFSET);
  }

  /** Whether {@link #close()} was called on this handle. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Releases this handle. When it was this JVM's last handle of the segment, unmaps it and gives
   * this process's owner count back, unlinking the name if that was the last owner. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (MAPPED) {
      Mapped m = mapped;
      if (--m.localHandles > 0) {
        return;
      }
      if (MAPPED.get(name()) == m) {
        MAPPED.remove(name());
      }
      release(m);
      m.mapping.unmap();
    }
  }

  @Override
  public String toString() {
    return "ShmSegment(" + name() + ", payload=" + mapped.payloadBytes + (closed.get() ? ", closed)" : ")");
  }

  /** Gives this process's owner count back once; unlinks on the last. Caller holds MAPPED. */
  private static void release(Mapped m) {
    if (m.released) {
      return;
    }
    m.released = true;
    int left = (int) INT.getAndAdd(m.mapping.segment(), OWNERS_OFFSET, -1) - 1;
    if (left == 0) {
      ShmFiles.unlinkIfExists(m.mapping.name());
    }
  }

  private static boolean incrementOwners(MemorySegment s) {
    while (true) {
      int owners = (int) INT.getVolatile(s, OWNERS_OFFSET);
      if (owners <= 0) {
        return false;
      }
      if (INT.compareAndSet(s, OWNERS_OFFSET, owners, owners + 1)) {
        return true;
      }
    }
  }

  private static long validate(ShmFiles.Mapping mapping) {
    MemorySegment s = mapping.segment();
    String name = mapping.name();
    if (s.byteSize() < HEADER_LENGTH || (int) INT.getAcquire(s, MAGIC_OFFSET) != MAGIC) {
      throw new IllegalStateException("/dev/shm/" + name + " is not a multiprocessing4j segment (no header)");
    }
    int version = s.get(JAVA_INT, VERSION_OFFSET);
    if (version != VERSION) {
      throw new IllegalStateException("segment " + name + " has layout version " + version + ", this library reads "
          + VERSION + "; do not mix library versions in one process tree");
    }
    long payloadBytes = s.get(JAVA_LONG, PAYLOAD_SIZE_OFFSET);
    if (payloadBytes < 0 || payloadBytes > s.byteSize() - HEADER_LENGTH) {
      throw new IllegalStateException("segment " + name + " is damaged: payload size " + payloadBytes
          + " in a file of " + s.byteSize() + " bytes");
    }
    return payloadBytes;
  }

  /** {@code mp4j-<rootPid>-<16 random hex digits>}. */
  static String newName(long rootPid) {
    byte[] random = new byte[RANDOM_BYTES];
    ThreadLocalRandom.current().nextBytes(random);
    return ShmSweeper.PREFIX + rootPid + "-" + HexFormat.of().formatHex(random);
  }

  /** Caller holds MAPPED. */
  private static void installExitHook() {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      ExitHooks.addLast(ShmSegment::releaseAllAtExit);
    }
  }

  /**
   * The exit action: gives back the owner count of every segment still attached (unlinking those
   * this process held last), then, in a tree's root, sweeps the tree's leftovers.
   */
  private static void releaseAllAtExit() {
    List<Mapped> all;
    synchronized (MAPPED) {
      all = new ArrayList<>(MAPPED.values());
      for (Mapped m : all) {
        release(m);
      }
    }
    long me = OwnPid.PID;
    if (ProcessAccess.rootPid() == me) {
      ShmSweeper.sweepOwnTreeAtExit(me);
    }
  }

  /** One mapping of this JVM, shared by its handles. Mutable fields guarded by MAPPED. */
  private static final class Mapped {
    final ShmFiles.Mapping mapping;
    final long payloadBytes;
    final MemorySegment payload;
    int localHandles = 1;
    boolean released;

    Mapped(ShmFiles.Mapping mapping, long payloadBytes) {
      this.mapping = mapping;
      this.payloadBytes = payloadBytes;
      this.payload = mapping.segment().asSlice(PAYLOAD_OFFSET, payloadBytes);
    }
  }
}
