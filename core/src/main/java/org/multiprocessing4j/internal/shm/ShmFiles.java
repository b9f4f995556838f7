package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files of /dev/shm: what {@code shm_open}, {@code ftruncate}, {@code mmap} and
 * {@code shm_unlink} do for CPython, done with {@link FileChannel} and an {@link Arena}.
 *
 * <p>Two ways to get at a file: {@link #create}/{@link #open} map it at once (a {@link Mapping}:
 * the library's segments, which write their header right away), while
 * {@link #createBlock}/{@link #openBlock} only open it (a {@link Block}) and leave the mapping
 * to {@link Block#map} on first use. Mappings live in a shared arena so that any thread may use
 * them, and closing a shared arena costs a handshake with every thread of the JVM (tens of
 * microseconds, more than all the file operations together): an object that is opened and closed
 * without its memory ever being touched should not pay for it.
 *
 * <p>glibc's {@code shm_open("/name")} opens {@code /dev/shm/name}, so a block is reachable from
 * both languages by the same name. Blocks are created with mode 0600, as CPython's
 * {@code SharedMemory} does ({@code _mode = 0o600}); the process umask may only narrow it.
 *
 * <p>Errors take the form API.md gives to CPython's: {@code FileExistsError} becomes an
 * {@link UncheckedIOException} caused by {@link FileAlreadyExistsException},
 * {@code FileNotFoundError} one caused by {@link NoSuchFileException}.
 */
public final class ShmFiles {
  /** Where glibc's {@code shm_open} keeps POSIX shared memory objects on Linux. */
  public static final Path DIRECTORY = Path.of("/dev/shm");
  /** Longest file name Linux accepts ({@code NAME_MAX} in {@code linux/limits.h}), in bytes. */
  private static final int NAME_MAX = 255;
  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final FileAttribute<Set<PosixFilePermission>> MODE_0600 =
      PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
  /** {@code O_CREAT | O_EXCL | O_RDWR}, as CPython's {@code shm_open} for {@code create=True}. */
  private static final Set<StandardOpenOption> CREATE_NEW_READ_WRITE =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);

  private ShmFiles() {}

  /**
   * A file of /dev/shm mapped read-write into this process. The file's descriptor is closed once
   * mapped; the mapping lives until {@link #unmap()} (or process exit).
   *
   * @param name the block's name (file name in /dev/shm)
   * @param arena the shared arena owning the mapping
   * @param segment the whole file, mapped
   */
  public record Mapping(String name, Arena arena, MemorySegment segment) {
    /** Unmaps the file; accesses to {@link #segment()} afterwards throw IllegalStateException. */
    public void unmap() {
      arena.close();
    }

    /** Whether {@link #unmap()} has not been called yet. */
    public boolean isMapped() {
      return arena.scope().isAlive();
    }
  }

  /**
   * A file of /dev/shm held open and not mapped yet: what CPython's {@code SharedMemory} holds
   * in {@code _fd}. The open descriptor keeps the file reachable after its name is unlinked, so
   * {@link #map} works then too. Not thread-safe: its owner serializes {@link #map} and
   * {@link #close}.
   *
   * @param name the block's name (file name in /dev/shm)
   * @param channel the open file, read-write
   * @param size the file's size in bytes when it was opened (or created)
   */
  public record Block(String name, FileChannel channel, long size) {
    /**
     * Maps the whole block read-write into a new shared arena and closes the file (the mapping
     * does not need it).
     *
     * <p>A pending interrupt of the calling thread is set aside during the call and restored
     * after: a {@link FileChannel} is interruptible, and an interrupt would close the channel for
     * good, and with it the only way to a block whose name is unlinked.
     *
     * @param what what the block is, for messages
     * @throws IllegalStateException when the file shrank since it was opened (another process
     *     truncated it): mapping it whole would enlarge it again
     * @throws UncheckedIOException when the file cannot be mapped, or another thread interrupted
     *     this one during the mapping (the file is then closed and this block unusable)
     */
    public Mapping map(String what) {
      boolean interrupted = Thread.interrupted();
      Arena arena = Arena.ofShared();
      try {
        long now = channel.size();
        if (now < size) {
          throw new IllegalStateException(what + " '" + name + "' was truncated from " + size + " to " + now
              + " bytes by another process; it cannot be mapped whole any more");
        }
        MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
        channel.close();
        return new Mapping(name, arena, segment);
      } catch (ClosedByInterruptException e) {
        arena.close();
        throw new UncheckedIOException("mapping " + what + " '" + name + "' was interrupted by Thread.interrupt()"
            + " and its file is closed; attach to it again", e);
      } catch (IOException e) {
        arena.close();
        throw new UncheckedIOException("cannot map " + what + " '" + name + "' of " + size + " bytes: " + e, e);
      } catch (RuntimeException e) {
        arena.close();
        throw e;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * Closes the file without mapping it (CPython's {@code os.close(self._fd)}).
     *
     * @throws UncheckedIOException when closing fails
     */
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close the file of shared memory block '" + name + "': " + e, e);
      }
    }
  }

  /** The path of the block called {@code name}. */
  public static Path path(String name) {
    return DIRECTORY.resolve(name);
  }

  /**
   * Checks that {@code name} can name a block: not empty, no '/' (glibc refuses it), no NUL
   * (CPython: "embedded null character"), not "." or "..", at most {@value #NAME_MAX} bytes.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a shared memory name must not be empty");
    }
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("shared memory name has an embedded null character: "
          + name.replace("\0", "\\0"));
    }
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("shared memory name must not contain '/' (beyond a leading one): " + name);
    }
    if (name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("'" + name + "' cannot name a shared memory block");
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
      throw new IllegalArgumentException("shared memory name is longer than " + NAME_MAX + " bytes: " + name);
    }
  }

  /**
   * Creates the block {@code name} of exactly {@code size} bytes (zero-filled) and maps it.
   *
   * @throws UncheckedIOException caused by {@link FileAlreadyExistsException} when the name is
   *     taken, or by the I/O error that stopped it
   */
  public static Mapping create(String name, long size, String what) {
    Path path = path(name);
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW,
        StandardOpenOption.READ, StandardOpenOption.WRITE), MODE_0600)) {
      try {
        // map() of a region past the end enlarges the file (ftruncate, as CPython does)
        return new Mapping(name, arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(path); // as CPython: a block that could not be mapped is unlinked
        throw e;
      }
    } catch (FileAlreadyExistsException e) {
      arena.close();
      throw alreadyExists(what, name, e);
    } catch (IOException e) {
      arena.close();
      throw cannotCreate(what, name, size, e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Creates the block {@code name} of exactly {@code size} bytes (zero-filled) and keeps it open,
   * unmapped: {@code shm_open(O_CREAT | O_EXCL, 0600)} and {@code ftruncate}, as CPython's
   * {@code SharedMemory(create=True)} does before it maps.
   *
   * @throws UncheckedIOException caused by {@link FileAlreadyExistsException} when the name is
   *     taken, or by the I/O error that stopped it
   */
  public static Block createBlock(String name, long size, String what) {
    Path path = path(name);
    FileChannel ch;
    try {
      ch = FileChannel.open(path, CREATE_NEW_READ_WRITE, MODE_0600);
    } catch (FileAlreadyExistsException e) {
      throw alreadyExists(what, name, e);
    } catch (IOException e) {
      throw cannotCreate(what, name, size, e);
    }
    try {
      setSize(ch, size);
      return new Block(name, ch, size);
    } catch (IOException | RuntimeException e) {
      try (ch) {
        Files.deleteIfExists(path); // as CPython: a block that could not be sized is unlinked
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw cannotCreate(what, name, size, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Enlarges the new, empty file to {@code size} bytes without writing to it ({@code ftruncate},
   * so no page of /dev/shm is used yet). {@link FileChannel} has no public ftruncate that grows a
   * file, but {@code map} of a region past the end grows the file to the region's end first, as
   * its specification says; the region here is empty, so nothing is mapped, and the confined
   * arena makes sure nothing would stay mapped if an implementation mapped something.
   */
  private static void setSize(FileChannel ch, long size) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      ch.map(FileChannel.MapMode.READ_WRITE, size, 0, arena);
    }
    if (ch.size() != size) { // the JDK keeps that promise today; a silent change would break attach
      throw new IOException("the file has " + ch.size() + " bytes after it was enlarged to " + size);
    }
  }

  /**
   * Opens the existing block {@code name}, unmapped ({@code shm_open} and {@code fstat} for its
   * size, as CPython's {@code SharedMemory(name)} does before it maps).
   *
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when there is no such block
   */
  public static Block openBlock(String name, String what) {
    Path path = path(name);
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      throw noSuchBlock(what, name, e);
    } catch (IOException e) {
      throw cannotAttach(what, name, e);
    }
    try {
      return new Block(name, ch, ch.size());
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof IOException io) {
        throw cannotAttach(what, name, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Maps the existing block {@code name} whole.
   *
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when there is no such block
   */
  public static Mapping open(String name, String what) {
    Path path = path(name);
    Arena arena = Arena.ofShared();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return new Mapping(name, arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena));
    } catch (NoSuchFileException e) {
      arena.close();
      throw noSuchBlock(what, name, e);
    } catch (IOException e) {
      arena.close();
      throw cannotAttach(what, name, e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Removes the name {@code name} (CPython's {@code shm_unlink}); processes that mapped it keep
   * their mappings.
   *
   * @throws UncheckedIOException caused by {@link NoSuchFileException} when there is no such block
   */
  public static void unlink(String name, String what) {
    Path path = path(name);
    try {
      Files.delete(path);
    } catch (NoSuchFileException e) {
      throw noSuchBlock(what, name, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unlink " + what + " '" + name + "' (" + path + "): " + e, e);
    }
  }

  /** Removes the name if it is still there; true when this call removed it. */
  static boolean unlinkIfExists(String name) {
    try {
      return Files.deleteIfExists(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unlink shared memory segment '" + name + "': " + e, e);
    }
  }

  /** Whether a block called {@code name} exists. */
  public static boolean exists(String name) {
    return Files.exists(path(name));
  }

  private static UncheckedIOException alreadyExists(String what, String name, FileAlreadyExistsException e) {
    return new UncheckedIOException(what + " '" + name + "' already exists (" + path(name)
        + "): attach to it, or create one with another name", e);
  }

  private static UncheckedIOException cannotCreate(String what, String name, long size, IOException e) {
    return new UncheckedIOException("cannot create " + what + " '" + name + "' of " + size + " bytes in "
        + DIRECTORY + ": " + e, e);
  }

  private static UncheckedIOException cannotAttach(String what, String name, IOException e) {
    return new UncheckedIOException("cannot attach to " + what + " '" + name + "' (" + path(name) + "): " + e, e);
  }

  static UncheckedIOException noSuchBlock(String what, String name, NoSuchFileException cause) {
    return new UncheckedIOException("no " + what + " called '" + name + "' (" + path(name)
        + "): it was never created or was already unlinked", cause);
  }
}
