package org.multiprocessing4j.sharedmemory;

import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.multiprocessing4j.internal.shm.ShmFiles;
import org.multiprocessing4j.internal.shm.ShmLedger;

/**
 * A named block of shared memory: Python's {@code multiprocessing.shared_memory.SharedMemory}.
 * Any process that knows the name can attach to the block, including a CPython process, and all
 * of them see the same bytes.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.create(1024)) {         // SharedMemory(create=True, size=1024)
 *   shm.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
 *   var p = new Process(() -> {
 *     try (SharedMemory same = SharedMemory.attach(name)) {    // SharedMemory(name)
 *       System.out.println(same.segment().get(ValueLayout.JAVA_LONG, 0));   // 42
 *     }
 *   });
 *   ...
 *   shm.unlink();                                              // once, by one process
 * }
 * }</pre>
 * (with {@code String name = shm.name();} captured by the child's lambda; the {@code SharedMemory}
 * object itself may be captured too: it is serialized as its name and attaches on arrival.)
 *
 * <p>A block is the file {@code /dev/shm/<name>}, which is what CPython's
 * {@code shm_open("/<name>")} opens on Linux: Java and CPython blocks are the same thing, and
 * {@code multiprocessing.shared_memory.SharedMemory(name)} in CPython attaches to a block made
 * here, and the other way round. Default names are CPython's: {@code psm_} and 8 random hex
 * digits. The rules are CPython's:
 * <ul>
 *   <li>a size ≤ 0 is refused ({@link IllegalArgumentException}); the size of an attached block
 *       is the file's size;
 *   <li>creating a name that exists fails with an {@link UncheckedIOException} caused by
 *       {@link FileAlreadyExistsException} ({@code FileExistsError}); attaching to or unlinking a
 *       name that does not exist, including a second unlink, with one caused by
 *       {@link NoSuchFileException} ({@code FileNotFoundError});
 *   <li>{@link #close()} ends this object's access; {@link #unlink()} removes the name, so the
 *       memory is freed when the last process has closed it. Call {@code unlink()} once, in one
 *       process, when no process needs to attach any more.
 * </ul>
 *
 * <p>Deliberate differences from CPython:
 * <ul>
 *   <li>No resource tracker: a block this JVM created and did not unlink stays in /dev/shm after
 *       the JVM exits (CPython 3.13's {@code track=False}). CPython's tracker, in 3.11 for any
 *       block it created or attached, in 3.13 for those opened with {@code track=True} (the
 *       default), unlinks the block with a "leaked shared_memory objects" warning when that
 *       CPython process tree exits, even if a Java process still uses it. So a CPython process
 *       that attaches to a Java block and exits before Java is done should use
 *       {@code SharedMemory(name, track=False)} (3.13+) or call
 *       {@code resource_tracker.unregister(shm._name, "shared_memory")} after attaching (3.8-3.12).
 *   <li>Using the block after {@link #close()} throws {@link IllegalStateException}, also through
 *       segments and buffers obtained before (CPython raises {@code ValueError} or crashes).
 *   <li>A leading '/' in a name (the {@code shm_open} spelling) is dropped: {@code "/x"} and
 *       {@code "x"} name the same block, as glibc resolves them, and {@link #name()} is "x".
 *   <li>The block is mapped into this process on the first {@link #segment()} or {@link #buf()}
 *       of an object, not by {@code create} or {@code attach}; until then the object holds the
 *       block's file open (CPython's {@code _fd}), so the memory stays reachable through it even
 *       after an {@link #unlink()}.
 * </ul>
 *
 * <p>Memory consistency: the block is plain shared memory. Use {@code VarHandle} atomics on the
 * segment, or a lock, to order accesses between processes. Methods are thread-safe.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
  /*
   * Overview of implementation: create and attach open the file of /dev/shm (internal.shm.ShmFiles
   * createBlock/openBlock: shm_open, ftruncate or fstat) and keep it open, as CPython keeps _fd.
   * The first segment() or buf() maps it whole with FileChannel.map into a shared Arena (any
   * thread may use the memory) and closes the file; close() closes the arena, which unmaps and
   * invalidates every segment and buffer derived from it, or only closes the file when nothing
   * was ever mapped. The mapping waits for first use because closing a shared arena makes the JVM
   * handshake with all its threads, which costs more than all the file operations together: a
   * SharedMemory opened only to pass its name on, to check that a block exists or to unlink it
   * does not pay for it. The open file keeps an unlinked block reachable until then.
   *
   * State, changed under this object's monitor: block (open, not mapped) -> mapping (mapped) ->
   * closed; segment() reads the volatile mapping without the monitor once it is there. The
   * serialized form is the name alone, like CPython's pickle (name, create=False, size), and
   * deserializing attaches.
   */
  /** Version of the serialized form. */
  @Serial private static final long serialVersionUID = 1L;
  private static final String WHAT = "shared memory block";
  /** CPython's {@code _SHM_NAME_PREFIX} ({@code "/psm_"}) without the leading slash. */
  private static final String NAME_PREFIX = "psm_";
  /**
   * CPython's {@code _SHM_SAFE_NAME_LENGTH} (FreeBSD's limit, 14, counting the slash): the random
   * part is {@code (14 - len("/psm_")) // 2} bytes.
   */
  private static final int SAFE_NAME_LENGTH = 14;
  private static final int RANDOM_BYTES = (SAFE_NAME_LENGTH - ("/" + NAME_PREFIX).length()) / 2;

  /** The block's name; all the serialized form holds (see {@code writeReplace}). */
  private final String name;
  /** The block's size in bytes. */
  private final long size;
  /** The open file until the first {@link #segment()} maps it or {@link #close()}; guarded by this. */
  private transient ShmFiles.Block block;
  /** The mapping once made, until {@link #close()}; written under this. */
  private transient volatile ShmFiles.Mapping mapping;
  /** Whether {@link #close()} was called; written under this. */
  private transient volatile boolean closed;

  static {
    // through the codec a block travels as its name without JDK serialization (~40 ms to set up
    // in a young JVM); null while a warm spare decodes a hint (see Codec.decodeToWarmUp)
    org.multiprocessing4j.internal.pickle.Codec.registerPortable(SharedMemory.class, shm -> new Object[] {shm.name},
        f -> org.multiprocessing4j.internal.pickle.Codec.warmingUp() ? null : attach((String) f[0]));
  }

  private SharedMemory(ShmFiles.Block block) {
    this.name = block.name();
    this.size = block.size();
    this.block = block;
  }

  /**
   * Creates a new block of {@code size} zero bytes with a new random name
   * ({@code SharedMemory(create=True, size=size)}).
   *
   * @param size the block's size in bytes
   * @return the new block, open
   * @throws IllegalArgumentException when {@code size} ≤ 0
   * @throws UncheckedIOException when /dev/shm refuses the file (full, not writable)
   */
  public static SharedMemory create(long size) {
    checkSize(size);
    while (true) {
      String name = NAME_PREFIX + HexFormat.of().formatHex(randomBytes());
      try {
        return create(name, size);
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof FileAlreadyExistsException)) {
          throw e;
        }
        // taken: draw another name, as CPython does
      }
    }
  }

  /**
   * Creates a new block called {@code name} of {@code size} zero bytes
   * ({@code SharedMemory(name, create=True, size=size)}).
   *
   * @param name the block's name (a leading '/' is dropped)
   * @param size the block's size in bytes
   * @return the new block, open
   * @throws IllegalArgumentException when {@code size} ≤ 0, or the name is empty or holds '/' or NUL
   * @throws UncheckedIOException caused by {@link FileAlreadyExistsException} when a block of that
   *     name exists
   */
  public static SharedMemory create(String name, long size) {
    checkSize(size);
    String n = normalize(name);
    var shm = new SharedMemory(ShmFiles.createBlock(n, size, WHAT));
    ShmLedger.created(n);
    return shm;
  }

  /**
   * Attaches to the existing block called {@code name} ({@code SharedMemory(name)}); its size is
   * the block's.
   *
   * @param name the block's name (a leading '/' is dropped)
   * @return an open object for the block
   * @throws IllegalArgumentException when the name is empty or holds '/' or NUL
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when there is no such block
   * @throws IllegalStateException when the block is empty (0 bytes cannot be mapped)
   */
  public static SharedMemory attach(String name) {
    String n = normalize(name);
    ShmFiles.Block b = ShmFiles.openBlock(n, WHAT);
    if (b.size() == 0) {
      b.close();
      throw new IllegalStateException("shared memory block '" + n + "' is empty (0 bytes) and cannot be mapped");
    }
    return new SharedMemory(b);
  }

  /** The block's name, without a leading slash ({@code name}). */
  public String name() {
    return name;
  }

  /** The block's size in bytes ({@code size}). */
  public long size() {
    return size;
  }

  /**
   * The whole block as a memory segment (the counterpart of {@code buf}). Valid until
   * {@link #close()}; accesses afterwards throw {@link IllegalStateException}. The first call on
   * an object maps the block (CPython maps it in the constructor); every call returns the same
   * memory.
   *
   * @throws IllegalStateException when this object is closed, or when another process truncated
   *     the file before this object first mapped it
   * @throws UncheckedIOException when the first call cannot map the block (out of address space,
   *     or another thread interrupted this one during the mapping)
   */
  public MemorySegment segment() {
    ShmFiles.Mapping m = mapping;
    return (m != null ? m : mapOnFirstUse()).segment();
  }

  /**
   * The whole block as a new {@link ByteBuffer} (CPython's {@code buf}, a memoryview): position 0,
   * limit {@link #size()}, in native byte order so that multi-byte values agree with CPython's
   * {@code struct} native formats (a deliberate difference from ByteBuffer's big-endian default).
   * Each call gives an independent buffer over the same memory; all are unusable after
   * {@link #close()} ({@link IllegalStateException}).
   *
   * @throws IllegalStateException when this object is closed (and as {@link #segment()})
   * @throws UncheckedIOException as {@link #segment()}
   */
  public ByteBuffer buf() {
    return segment().asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Ends this object's access to the block: unmaps it, or closes its file if it was never mapped
   * ({@code close()}). The block stays for other processes and objects. Idempotent.
   */
  @Override
  public void close() {
    ShmFiles.Mapping m;
    ShmFiles.Block b;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      m = mapping;
      b = block;
      mapping = null;
      block = null;
    }
    if (m != null) {
      m.unmap();
    }
    if (b != null) {
      b.close();
    }
  }

  /**
   * Removes the block's name ({@code unlink()}): no process can attach any more, and the memory
   * is freed once every process has closed it. May be called before or after {@link #close()}.
   *
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when the name is gone
   *     already (a second unlink, here or in another process)
   */
  public void unlink() {
    ShmFiles.unlink(name, WHAT);
    ShmLedger.unlinked(name);
  }

  /** CPython's repr: {@code SharedMemory('psm_4a1f9c2e', size=1024)}. */
  @Override
  public String toString() {
    return "SharedMemory('" + name + "', size=" + size + ")";
  }

  /** Maps the block unless another thread did; {@link #segment()}'s slow path. */
  private synchronized ShmFiles.Mapping mapOnFirstUse() {
    if (closed) {
      throw new IllegalStateException("shared memory block '" + name
          + "' is closed in this object; attach to it again with SharedMemory.attach(\"" + name + "\")");
    }
    ShmFiles.Mapping m = mapping;
    if (m == null) {
      m = block.map(WHAT);
      block = null;
      mapping = m;
    }
    return m;
  }

  private static void checkSize(long size) {
    if (size <= 0) {
      throw new IllegalArgumentException("'size' must be a positive number of bytes, not " + size);
    }
  }

  private static String normalize(String name) {
    if (name == null) {
      throw new IllegalArgumentException("a shared memory block needs a name to attach to");
    }
    int i = 0;
    while (i < name.length() && name.charAt(i) == '/') {
      i++;
    }
    String n = name.substring(i);
    ShmFiles.checkName(n);
    return n;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[RANDOM_BYTES];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** Refuses a stream that holds this class's fields instead of its name. */
  @Serial
  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a SharedMemory travels as its name");
  }

  /** Serializes as its portable form, the name (see {@code Codec.jdkForm}); deserializing attaches, as CPython unpickling does. */
  @Serial
  private Object writeReplace() {
    return org.multiprocessing4j.internal.pickle.Codec.jdkForm(this);
  }
}
