package org.multiprocessing4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.multiprocessing4j.internal.spawn.ProcessAccess;

/** What the sharedctypes tests share beyond {@link SyncFixtures}. */
final class CTypesFixtures {
  private CTypesFixtures() {}

  /** The segments of this process tree in /dev/shm now. */
  static Set<String> segments() {
    String prefix = "mp4j-" + ProcessAccess.rootPid() + "-";
    Set<String> names = new TreeSet<>();
    try (var files = Files.newDirectoryStream(Path.of("/dev/shm"), prefix + "*")) {
      for (Path p : files) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  /** The segments made since {@code before}. */
  static Set<String> newSegments(Set<String> before) {
    Set<String> now = segments();
    now.removeAll(before);
    return now;
  }
}
