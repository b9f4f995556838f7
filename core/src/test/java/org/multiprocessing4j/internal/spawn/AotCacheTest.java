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
  void theTrainingDecodesTheHintItIsGivenSoTheCacheHoldsTheProgramsClass(@TempDir Path dir) throws Exception {
    Path jar = jarOfTheLibrary(dir.resolve("library.jar"));
    addClass(jar, HintTarget.class);
    var process = new org.multiprocessing4j.Process(HintTarget.target());
    byte[] hint = org.multiprocessing4j.internal.pickle.Codec.encode(ProcessAccess.get().travelForm(process), "a hint");
    Path cache = train(dir, jar, ChildMain.TRAIN, "plain.aot", hint);

    // a child JVM with the cache loads the program's class from it (one without a FIFO or a
    // launch frame exits at once, after its start-up)
    List<String> child = new ArrayList<>(List.of(ChildJvm.executable().toString()));
    child.addAll(ChildJvm.DEFAULT_OPTIONS);
    child.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:AOTMode=on", "-XX:AOTCache=" + cache,
        "-Xlog:class+load", "-cp", jar.toString(), ChildMain.class.getName(), dir.resolve("no.fifo").toString(),
        "spawn"));
    var jvm = new ProcessBuilder(child).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
        new java.io.File("/dev/null"))).start();
    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jvm.waitFor();
    assertThat(out).contains(HintTarget.class.getName() + " source: shared objects file");
  }

  /** A class of "the program" (not on a child's start path), whose lambda is the hinted target. */
  static final class HintTarget {
    private HintTarget() {}

    static org.multiprocessing4j.function.SerializableRunnable target() {
      return () -> {};
    }
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
    return train(dir, jar, mode, name, new byte[0]);
  }

  /** Runs the trainer as a parent does, {@code hint} on its stdin. */
  private static Path train(Path dir, Path jar, String mode, String name, byte[] hint) throws Exception {
    Path cache = Files.createDirectories(dir.resolve("aot")).resolve(name);
    Path log = dir.resolve(name + ".log");
    var trainer = new ProcessBuilder(ChildJvm.executable().toString(), "-cp", jar.toString(), ChildMain.class.getName(),
        "-", mode, cache.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try (var in = trainer.getOutputStream()) {
      in.write(hint);
    }
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

  /** Adds a test class to the jar (rewritten whole: a jar cannot be appended to). */
  private static void addClass(Path jar, Class<?> c) throws IOException {
    String entry = c.getName().replace('.', '/') + ".class";
    byte[] bytes;
    try (var in = c.getClassLoader().getResourceAsStream(entry)) {
      bytes = in.readAllBytes();
    }
    Path copy = jar.resolveSibling(jar.getFileName() + ".tmp");
    try (var zin = new java.util.zip.ZipInputStream(Files.newInputStream(jar));
        var out = new JarOutputStream(Files.newOutputStream(copy))) {
      for (var e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
        out.putNextEntry(new JarEntry(e.getName()));
        zin.transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(entry));
      out.write(bytes);
      out.closeEntry();
    }
    Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
