package org.multiprocessing4j.internal.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
      throw new UncheckedIOException(what + " '" + name + "' already exists (" + path
          + "): attach to it, or create one with another name", e);
    } catch (IOException e) {
      arena.close();
      throw new UncheckedIOException("cannot create " + what + " '" + name + "' of " + size + " bytes in "
          + DIRECTORY + ": " + e, e);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
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
      throw new UncheckedIOException("cannot attach to " + what + " '" + name + "' (" + path + "): " + e, e);
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

  static UncheckedIOException noSuchBlock(String what, String name, NoSuchFileException cause) {
    return new UncheckedIOException("no " + what + " called '" + name + "' (" + path(name)
        + "): it was never created or was already unlinked", cause);
  }
}
