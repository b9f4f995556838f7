package org.multiprocessing4j.internal.shm;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names of the CPython-compatible blocks ({@code SharedMemory}) this JVM created and has not
 * unlinked: what CPython's resource tracker registers on creation. The library does not unlink
 * them at exit (see {@code SharedMemory}); the ledger is there for diagnostics, and for the test
 * extension that fails a test leaving a block behind.
 */
public final class ShmLedger {
  private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

  private ShmLedger() {}

  /** Records that this JVM created the block {@code name}. */
  public static void created(String name) {
    CREATED.add(name);
  }

  /** Records that this JVM unlinked the block {@code name}. */
  public static void unlinked(String name) {
    CREATED.remove(name);
  }

  /** The names created here and not unlinked here, sorted (some may have been unlinked elsewhere). */
  public static Set<String> createdNotUnlinked() {
    return new TreeSet<>(CREATED);
  }
}
