package org.multiprocessing4j.internal.util;

import java.lang.ref.Cleaner;

/**
 * The library's one {@link Cleaner}: releases what an object held (sockets, files) when the object
 * is dropped without being closed, as Python's {@code __del__} and {@code util.Finalize} do. A
 * safety net only: the objects document that they should be closed.
 */
public final class Cleanup {
  /** The shared cleaner (one daemon thread for the whole library). */
  public static final Cleaner CLEANER = Cleaner.create();

  private Cleanup() {}
}
