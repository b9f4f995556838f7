package org.multiprocessing4j.internal.shm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.internal.futex.Futex;
import org.multiprocessing4j.testutil.TestJvms;

/** The library's own segments: naming, header, owner counting and unlinking by the last owner. */
class ShmSegmentTest {
  private static final VarHandle WORD = JAVA_INT.varHandle();
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final long ATTACHED = 0;
  private static final long GO = 4;

  private static void set(MemorySegment s, long offset, int value) {
    WORD.setVolatile(s, offset, value);
    Futex.wakeAll(s, offset);
  }

  @Test
  void createNamesTheSegmentAfterTheRootPidOfTheProcessTree() {
    try (ShmSegment seg = ShmSegment.create(100)) {
      assertThat(seg.name()).matches("mp4j-" + ProcessHandle.current().pid() + "-[0-9a-f]{16}");
      assertThat(Files.exists(ShmFiles.path(seg.name()))).isTrue();
    }
  }

  @Test
  void thePayloadIsZeroedCacheLineAlignedAndAsLongAsAsked() throws Exception {
    try (ShmSegment seg = ShmSegment.create(100)) {
      MemorySegment p = seg.payload();
      assertThat(p.byteSize()).isEqualTo(100);
      assertThat(seg.payloadSize()).isEqualTo(100);
      assertThat(p.address() % 64).isZero();
      assertThat(p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).containsOnly(0);
      assertThat(Files.size(ShmFiles.path(seg.name()))).isEqualTo(SegmentDescriptor.HEADER_LENGTH + 100);
    }
  }

  @Test
  void theHeaderFollowsTheDescriptor() {
    try (ShmSegment seg = ShmSegment.create(8)) {
      ShmFiles.Mapping raw = ShmFiles.open(seg.name(), "test");
      try {
        MemorySegment h = raw.segment();
        assertThat(h.get(JAVA_INT, SegmentDescriptor.MAGIC_OFFSET)).isEqualTo(SegmentDescriptor.MAGIC);
        assertThat(h.get(JAVA_INT, SegmentDescriptor.VERSION_OFFSET)).isEqualTo(SegmentDescriptor.VERSION);
        assertThat(h.get(JAVA_INT, SegmentDescriptor.OWNERS_OFFSET)).isEqualTo(1);
        assertThat(h.get(JAVA_LONG, SegmentDescriptor.PAYLOAD_SIZE_OFFSET)).isEqualTo(8);
        assertThat(h.get(JAVA_LONG, SegmentDescriptor.CREATOR_PID_OFFSET)).isEqualTo(ProcessHandle.current().pid());
      } finally {
        raw.unmap();
      }
    }
  }

  @Test
  void handlesInOneJvmShareOneMappingAndCountAsOneOwner() {
    try (ShmSegment seg = ShmSegment.create(16);
         ShmSegment again = ShmSegment.attach(seg.name())) {
      assertThat(again.payload().address()).isEqualTo(seg.payload().address());
      assertThat(seg.owners()).isEqualTo(1);
      again.payload().set(JAVA_LONG, 0, 4711L);
      assertThat(seg.payload().get(JAVA_LONG, 0)).isEqualTo(4711L);
    }
  }

  @Test
  void theLastCloseInTheLastProcessUnlinksTheFile() {
    ShmSegment seg = ShmSegment.create(16);
    ShmSegment again = ShmSegment.attach(seg.name());
    seg.close();
    assertThat(Files.exists(ShmFiles.path(seg.name()))).as("a handle is still open").isTrue();
    assertThat(again.payload().get(JAVA_LONG, 0)).isZero();
    again.close();
    assertThat(Files.exists(ShmFiles.path(seg.name()))).isFalse();
  }

  @Test
  void closeIsIdempotentAndThePayloadIsUnusableAfterwards() {
    ShmSegment seg = ShmSegment.create(16);
    MemorySegment p = seg.payload();
    seg.close();
    seg.close();
    assertThat(seg.isClosed()).isTrue();
    assertThatThrownBy(seg::payload).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThatThrownBy(() -> p.get(JAVA_LONG, 0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void attachToAMissingSegmentFailsWithNoSuchFile() {
    String name = "mp4j-" + ProcessHandle.current().pid() + "-0123456789abcdef";
    assertThatThrownBy(() -> ShmSegment.attach(name))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(name);
  }

  @Test
  void attachRefusesAFileThatIsNotASegment() {
    String name = "mp4j-" + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    ShmFiles.create(name, 64, "test file").unmap();
    try {
      assertThatThrownBy(() -> ShmSegment.attach(name))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a multiprocessing4j segment");
    } finally {
      ShmFiles.unlink(name, "test file");
    }
  }

  @Test
  void attachRefusesASegmentWhoseLastOwnerHasLetGo() {
    ShmSegment seg = ShmSegment.create(16);
    String name = seg.name();
    ShmFiles.Mapping raw = ShmFiles.open(name, "test");
    try {
      // another process let go of the last count and is about to unlink: nobody may come back
      WORD.setVolatile(raw.segment(), SegmentDescriptor.OWNERS_OFFSET, 0);
      seg.close(); // this JVM's count is gone already; closing must not unlink or go negative
      assertThatThrownBy(() -> ShmSegment.attach(name))
          .isInstanceOf(UncheckedIOException.class)
          .hasCauseInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("last owner has released it");
    } finally {
      raw.unmap();
      ShmFiles.unlinkIfExists(name);
    }
  }

  @Test
  void createRefusesANegativePayload() {
    assertThatThrownBy(() -> ShmSegment.create(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
  }

  @Test
  void aChildProcessCountsAsOneOwnerAndGivesItsCountBackWhenItExits() throws Exception {
    try (ShmSegment seg = ShmSegment.create(64)) {
      String name = seg.name();
      var child = new Process(() -> {
        ShmSegment s = ShmSegment.attach(name);
        ShmSegment.attach(name); // a second handle: still one owner
        set(s.payload(), ATTACHED, 1);
        try {
          Futex.await(s.payload(), GO, 0, WAIT);
        } catch (InterruptedException e) {
          System.exit(4);
        }
        // no close: the exit actions give the count back
      });
      child.start();
      MemorySegment p = seg.payload();
      assertThat(Futex.await(p, ATTACHED, 0, WAIT)).isTrue();
      assertThat(seg.owners()).isEqualTo(2);
      set(p, GO, 1);
      assertThat(child.join(WAIT)).isTrue();
      assertThat(child.exitCode()).isZero();
      assertThat(seg.owners()).isEqualTo(1);
    }
  }

  @Test
  void aSegmentOutlivesItsCreatorsHandleWhileAnotherProcessHoldsIt() throws Exception {
    try (ShmSegment control = ShmSegment.create(64)) {
      ShmSegment data = ShmSegment.create(64);
      String controlName = control.name();
      String dataName = data.name();
      var child = new Process(() -> {
        try (ShmSegment c = ShmSegment.attach(controlName); ShmSegment d = ShmSegment.attach(dataName)) {
          d.payload().set(JAVA_LONG, 8, 99L);
          set(c.payload(), ATTACHED, 1);
          Futex.await(c.payload(), GO, 0, WAIT);
          System.exit(d.payload().get(JAVA_LONG, 8) == 99L ? 0 : 3);
        } catch (InterruptedException e) {
          System.exit(4);
        }
      });
      child.start();
      MemorySegment c = control.payload();
      assertThat(Futex.await(c, ATTACHED, 0, WAIT)).isTrue();
      data.close();
      assertThat(Files.exists(ShmFiles.path(dataName))).as("the child still holds it").isTrue();
      set(c, GO, 1);
      assertThat(child.join(WAIT)).isTrue();
      assertThat(child.exitCode()).isZero();
      assertThat(Files.exists(ShmFiles.path(dataName))).as("the child was the last owner").isFalse();
    }
  }

  @Test
  void theRootsExitSweepRemovesASegmentThatAKilledChildStillCounted() {
    var r = TestJvms.run(List.of(), KilledChildMain.class);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String line = r.stdout().strip();
    assertThat(line).matches("SEGMENT mp4j-\\d+-[0-9a-f]{16} owners=2 exists=true");
    String name = line.split(" ")[1];
    assertThat(Files.exists(ShmFiles.path(name))).isFalse();
  }
}
