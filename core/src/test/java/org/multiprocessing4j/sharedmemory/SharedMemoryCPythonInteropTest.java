package org.multiprocessing4j.sharedmemory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocks and lists shared with the machine's CPython, both ways, on 3.11 and 3.13: Java creates,
 * CPython attaches, reads and writes, Java sees it; CPython creates, Java attaches, reads and
 * writes, CPython sees it. Java unlinks at the end in every case. See {@link CPython} for how the
 * scripts keep CPython's resource tracker from unlinking blocks it does not own.
 */
class SharedMemoryCPythonInteropTest {
  private static List<CPython> versions() {
    return CPython.versions();
  }

  private static boolean exists(String name) {
    return Files.exists(Path.of("/dev/shm", name));
  }

  private static String ascii(SharedMemory shm, long offset, int length) {
    return new String(shm.segment().asSlice(offset, length).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
  }

  private static CPython.Run ok(CPython.Run r) {
    assertThat(r.exitCode()).as("python exit code; stderr: %s", r.stderr()).isZero();
    assertThat(r.stderr()).as("python stderr (a resource_tracker warning means a false leak)").isEmpty();
    return r;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void aBlockMadeInJavaIsReadAndWrittenByCPython(CPython python) {
    python.assumeAvailable();
    SharedMemory shm = SharedMemory.create(64);
    try {
      shm.buf().put("from java".getBytes(StandardCharsets.US_ASCII));
      shm.segment().set(JAVA_LONG, 32, 1234567890123L);
      CPython.Run r = ok(python.run("""
          import struct
          shm = attach(sys.argv[1])
          print(shm.size, bytes(shm.buf[:9]).decode(), struct.unpack_from("q", shm.buf, 32)[0])
          shm.buf[16:27] = b"from python"
          struct.pack_into("q", shm.buf, 40, -42)
          shm.close()
          """, shm.name()));
      assertThat(r.stdout().strip()).isEqualTo("64 from java 1234567890123");
      assertThat(ascii(shm, 16, 11)).isEqualTo("from python");
      assertThat(shm.segment().get(JAVA_LONG, 40)).isEqualTo(-42L);
      assertThat(exists(shm.name())).as("CPython left the block alone").isTrue();
    } finally {
      shm.close();
      shm.unlink();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void aBlockMadeByCPythonIsReadAndWrittenByJavaAndUnlinkedByJava(CPython python) {
    python.assumeAvailable();
    CPython.Run made = ok(python.run("""
        shm = create(100)
        shm.buf[:9] = b"from py3!"
        print(shm.name)
        shm.close()
        """));
    String name = made.stdout().strip();
    assertThat(name).matches("psm_[0-9a-f]{8}");
    SharedMemory shm = SharedMemory.attach(name);
    try {
      assertThat(shm.size()).isEqualTo(100);
      assertThat(ascii(shm, 0, 9)).isEqualTo("from py3!");
      shm.buf().put(50, (byte) 'J').put(51, (byte) '!');
      CPython.Run seen = ok(python.run("""
          shm = attach(sys.argv[1])
          print(bytes(shm.buf[50:52]).decode())
          shm.close()
          """, name));
      assertThat(seen.stdout().strip()).isEqualTo("J!");
    } finally {
      shm.close();
      shm.unlink();
    }
    CPython.Run gone = ok(python.run("""
        try:
            attach(sys.argv[1])
            print("still there")
        except FileNotFoundError:
            print("FileNotFoundError")
        """, name));
    assertThat(gone.stdout().strip()).isEqualTo("FileNotFoundError");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void aListMadeInJavaIsReadAndChangedByCPython(CPython python) {
    python.assumeAvailable();
    ShareableList<Object> sl = ShareableList.create(Arrays.asList(
        "howdy", "HoWdY".getBytes(StandardCharsets.US_ASCII), -273.154, 100L, null, true, 42L, "ééééé"));
    try {
      CPython.Run r = ok(python.run("""
          sl = untracked(shared_memory.ShareableList(name=sys.argv[1]))
          print(repr(list(sl)))
          print(sl.format)
          sl[0] = "hi"
          sl[3] = "some"
          sl[4] = 2.5
          sl[5] = None
          sl[6] = False
          sl[1] = b"\\x00\\x01"
          sl.shm.close()
          """, sl.shm().name()));
      assertThat(r.stdout().lines().toList()).containsExactly(
          "['howdy', b'HoWdY', -273.154, 100, None, True, 42, 'ééééé']",
          "8s8sdqxxxxxx?xxxxxxxx?q16s");
      assertThat(sl.get(0)).isEqualTo("hi");
      assertThat((byte[]) sl.get(1)).containsExactly(0, 1);
      assertThat(sl.get(3)).isEqualTo("some");
      assertThat(sl.get(4)).isEqualTo(2.5);
      assertThat(sl.get(5)).isNull();
      assertThat(sl.get(6)).isEqualTo(false);
      assertThat(sl.format()).isEqualTo("8s8sd8sdxxxxxx?xxxxxxxx?16s");
    } finally {
      sl.close();
      sl.unlink();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void aListMadeByCPythonIsReadAndChangedByJava(CPython python) {
    python.assumeAvailable();
    CPython.Run made = ok(python.run("""
        sl = untracked(shared_memory.ShareableList(['howdy', b'HoWdY', -273.154, 100, None, True, 42, 'encodés']))
        print(sl.shm.name)
        sl.shm.close()
        """));
    String name = made.stdout().strip();
    ShareableList<Object> sl = ShareableList.attach(name);
    try {
      assertThat(sl.format()).isEqualTo("8s8sdqxxxxxx?xxxxxxxx?q8s");
      assertThat(sl).hasSize(8);
      assertThat(sl.get(0)).isEqualTo("howdy");
      assertThat((byte[]) sl.get(1)).isEqualTo("HoWdY".getBytes(StandardCharsets.US_ASCII));
      assertThat(sl.get(2)).isEqualTo(-273.154);
      assertThat(sl.get(3)).isEqualTo(100L);
      assertThat(sl.get(4)).isNull();
      assertThat(sl.get(5)).isEqualTo(true);
      assertThat(sl.get(6)).isEqualTo(42L);
      assertThat(sl.get(7)).isEqualTo("encodés");
      sl.set(0, "jäva");
      sl.set(3, Long.MIN_VALUE);
      sl.set(4, true);
      sl.set(5, "str");
      sl.set(6, 0.1);
      sl.set(2, null);
      CPython.Run seen = ok(python.run("""
          sl = untracked(shared_memory.ShareableList(name=sys.argv[1]))
          print(repr(list(sl)))
          print(sl.format)
          sl.shm.close()
          """, name));
      assertThat(seen.stdout().lines().toList()).containsExactly(
          "['jäva', b'HoWdY', None, -9223372036854775808, True, 'str', 0.1, 'encodés']",
          "8s8sxxxxxx?xqxxxxxxx?8sd8s");
    } finally {
      sl.close();
      sl.unlink();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void cpythonsResourceTrackerUnlinksAJavaBlockThatItAttachedWithTracking(CPython python) {
    // why the scripts above untrack: a tracked attach (3.11: every attach; 3.13: track=True, the
    // default) makes CPython unlink the block when its process tree exits, with a leak warning
    python.assumeAvailable();
    SharedMemory shm = SharedMemory.create(16);
    try {
      CPython.Run r = python.run("""
          shm = shared_memory.SharedMemory(sys.argv[1])
          shm.close()
          """, shm.name());
      assertThat(r.exitCode()).isZero();
      assertThat(r.stderr()).contains("resource_tracker: There appear to be 1 leaked shared_memory objects");
      assertThat(exists(shm.name())).isFalse();
    } finally {
      shm.close();
      if (exists(shm.name())) {
        shm.unlink();
      }
    }
  }
}
