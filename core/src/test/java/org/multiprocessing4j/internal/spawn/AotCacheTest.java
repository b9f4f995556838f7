package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache of child JVMs: the trainer runs a real child start and leaves a cache that a JVM
 * with the child's options and class path takes. (Maven runs tests from class directories, which
 * the JDK cannot cache, so the test makes a jar of the library first.)
 */
class AotCacheTest {

  @Test
  void trainingLeavesOnlyACacheThatAJvmWithTheChildOptionsAccepts(@TempDir Path dir) throws Exception {
    Path jar = jarOfTheLibrary(dir.resolve("library.jar"));
    Path plain = train(dir, jar, ChildMain.TRAIN, "plain.aot");
    Path shared = train(dir, jar, ChildMain.TRAIN_SHARED, "shared.aot");

    try (Stream<Path> left = Files.list(plain.getParent())) {
      // no recorded configuration and no half-written cache stay behind
      assertThat(left).containsExactlyInAnyOrder(plain, shared);
    }
    for (Path cache : List.of(plain, shared)) {
      assertThat(refusalOf(cache, jar)).as("a JVM with the child options refused %s", cache).isEmpty();
    }
    // the shared-memory cache holds the Foreign Function and Memory API's classes as well
    assertThat(Files.size(shared)).isGreaterThan(Files.size(plain) + 1_000_000);
  }

  @Test
  void aKeysTwoCachesAreNamedAfterItAndPrunedTogether() {
    Path[] files = AotCache.cacheFiles("0123abcd");
    assertThat(files[0].getFileName()).hasToString("0123abcd.aot");
    assertThat(files[1].getFileName()).hasToString("0123abcd-shm.aot");
    assertThat(files[0].getParent()).isEqualTo(files[1].getParent());
    assertThat(AotCache.keyOf(files[0])).isEqualTo("0123abcd");
    assertThat(AotCache.keyOf(files[1])).isEqualTo("0123abcd");
    assertThat(AotCache.cacheFiles(null)).containsOnlyNulls();
  }

  private static Path train(Path dir, Path jar, String mode, String name) throws Exception {
    Path cache = Files.createDirectories(dir.resolve("aot")).resolve(name);
    Path log = dir.resolve(name + ".log");
    var trainer = new ProcessBuilder(ChildJvm.executable().toString(), "-cp", jar.toString(), ChildMain.class.getName(),
        "-", mode, cache.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(trainer.waitFor(3, TimeUnit.MINUTES)).as("the trainer finished").isTrue();
    } finally {
      trainer.destroyForcibly().waitFor();
    }
    assertThat(trainer.exitValue()).as(Files.readString(log)).isZero();
    assertThat(cache).isRegularFile();
    return cache;
  }

  /**
   * Runs {@code java -version} with the cache under -XX:AOTMode=on, where a JVM that cannot use
   * the cache (wrong options, class path or JDK) refuses to start; returns its output if it refused.
   */
  private static String refusalOf(Path cache, Path jar) throws Exception {
    List<String> check = new ArrayList<>(List.of(ChildJvm.executable().toString()));
    check.addAll(ChildJvm.DEFAULT_OPTIONS);
    check.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:AOTMode=on", "-XX:AOTCache=" + cache,
        "-cp", jar.toString(), "-version"));
    var jvm = new ProcessBuilder(check).redirectErrorStream(true).start();
    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return jvm.waitFor() == 0 ? "" : out;
  }

  /** The library's class directory (as Maven compiled it), packed into a jar. */
  private static Path jarOfTheLibrary(Path jar) throws IOException, URISyntaxException {
    Path classes = Path.of(ChildMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (OutputStream file = Files.newOutputStream(jar);
        var out = new JarOutputStream(file);
        Stream<Path> all = Files.walk(classes)) {
      for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
