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
 * </ul>
 *
 * <p>Memory consistency: the block is plain shared memory. Use {@code VarHandle} atomics on the
 * segment, or a lock, to order accesses between processes. Methods are thread-safe.
 */
public final class SharedMemory implements AutoCloseable, Serializable {
  /*
   * Overview of implementation: the file is mapped whole with FileChannel.map into a shared Arena
   * (internal.shm.ShmFiles); close() closes the arena, which unmaps and invalidates every segment
   * and buffer derived from it. The serialized form is the name alone, like CPython's pickle
   * (name, create=False, size), and deserializing attaches.
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

  /** The block's name; all the serialized form holds (see {@code SerialForm}). */
  private final String name;
  /** The block's size in bytes. */
  private final long size;
  private transient volatile ShmFiles.Mapping mapping;

  private SharedMemory(ShmFiles.Mapping mapping) {
    this.name = mapping.name();
    this.size = mapping.segment().byteSize();
    this.mapping = mapping;
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
    var shm = new SharedMemory(ShmFiles.create(n, size, WHAT));
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
    ShmFiles.Mapping m = ShmFiles.open(n, WHAT);
    if (m.segment().byteSize() == 0) {
      m.unmap();
      throw new IllegalStateException("shared memory block '" + n + "' is empty (0 bytes) and cannot be mapped");
    }
    return new SharedMemory(m);
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
   * {@link #close()}; accesses afterwards throw {@link IllegalStateException}.
   *
   * @throws IllegalStateException when this object is closed
   */
  public MemorySegment segment() {
    return mapping().segment();
  }

  /**
   * The whole block as a new {@link ByteBuffer} (CPython's {@code buf}, a memoryview): position 0,
   * limit {@link #size()}, in native byte order so that multi-byte values agree with CPython's
   * {@code struct} native formats (a deliberate difference from ByteBuffer's big-endian default).
   * Each call gives an independent buffer over the same memory; all are unusable after
   * {@link #close()} ({@link IllegalStateException}).
   *
   * @throws IllegalStateException when this object is closed
   */
  public ByteBuffer buf() {
    return segment().asByteBuffer().order(ByteOrder.nativeOrder());
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return mapping == null;
  }

  /**
   * Ends this object's access to the block: unmaps it ({@code close()}). The block stays for
   * other processes and objects. Idempotent.
   */
  @Override
  public void close() {
    ShmFiles.Mapping m;
    synchronized (this) {
      m = mapping;
      mapping = null;
    }
    if (m != null) {
      m.unmap();
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

  private ShmFiles.Mapping mapping() {
    ShmFiles.Mapping m = mapping;
    if (m == null) {
      throw new IllegalStateException("shared memory block '" + name
          + "' is closed in this object; attach to it again with SharedMemory.attach(\"" + name + "\")");
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

  /** Refuses a stream that holds this class's fields instead of its {@code SerialForm}. */
  @Serial
  private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
    throw new java.io.InvalidObjectException("a SharedMemory travels as its name (SerialForm)");
  }

  /** Serializes as the name: {@code SerialForm}. */
  @Serial
  private Object writeReplace() {
    return new SerialForm(name);
  }

  /** The serialized form: the name; deserializing attaches (CPython pickles {@code (name, False, size)}). */
  private record SerialForm(String name) implements Serializable {
    /** Attaches to the block by name. */
    @Serial
    private Object readResolve() {
      return attach(name);
    }
  }
}
