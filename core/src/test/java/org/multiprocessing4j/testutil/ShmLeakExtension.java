package org.multiprocessing4j.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.multiprocessing4j.internal.shm.ShmFiles;
import org.multiprocessing4j.internal.shm.ShmLedger;
import org.multiprocessing4j.internal.spawn.ProcessAccess;

/**
 * Fails a test that leaves shared memory behind in /dev/shm (DESIGN.md §8): a segment of this
 * process tree ({@code mp4j-<our root pid>-*}) that appeared during the test, or a
 * {@code SharedMemory} block this JVM created during the test and did not unlink. Other
 * processes' files (builds running beside us) are not looked at. What leaked is removed, so that
 * one leak fails one test. Registered for every test by autodetection (META-INF/services).
 */
public final class ShmLeakExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ShmLeakExtension.class);
  private static final String SEGMENTS = "segments";
  private static final String BLOCKS = "blocks";

  @Override
  public void beforeEach(ExtensionContext context) {
    var store = context.getStore(NAMESPACE);
    store.put(SEGMENTS, treeSegments());
    store.put(BLOCKS, ShmLedger.createdNotUnlinked());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    var store = context.getStore(NAMESPACE);
    @SuppressWarnings("unchecked") Set<String> segmentsBefore = store.get(SEGMENTS, Set.class);
    @SuppressWarnings("unchecked") Set<String> blocksBefore = store.get(BLOCKS, Set.class);
    Set<String> leaked = new TreeSet<>(treeSegments());
    leaked.removeAll(segmentsBefore);
    for (String name : ShmLedger.createdNotUnlinked()) {
      if (!blocksBefore.contains(name) && Files.exists(ShmFiles.path(name))) {
        leaked.add(name);
      }
    }
    if (leaked.isEmpty()) {
      return;
    }
    for (String name : leaked) {
      try {
        Files.deleteIfExists(ShmFiles.path(name));
      } catch (IOException e) {
        // reported below anyway
      }
      ShmLedger.unlinked(name);
    }
    throw new AssertionError(context.getDisplayName() + " left shared memory in " + ShmFiles.DIRECTORY + ": " + leaked
        + "; unlink every SharedMemory/ShareableList and close every ShmSegment a test creates");
  }

  private static Set<String> treeSegments() {
    String prefix = "mp4j-" + ProcessAccess.rootPid() + "-";
    Set<String> names = new TreeSet<>();
    try (var files = Files.newDirectoryStream(ShmFiles.DIRECTORY, prefix + "*")) {
      for (Path p : files) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list " + ShmFiles.DIRECTORY, e);
    }
    return names;
  }
}
