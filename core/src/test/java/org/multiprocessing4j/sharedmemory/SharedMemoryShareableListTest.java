package org.multiprocessing4j.sharedmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;

/**
 * {@link ShareableList}: the behaviours of CPython's {@code _TestSharedMemory} ShareableList tests
 * that apply, CPython's layout rules, and the Java-specific ones.
 */
class SharedMemoryShareableListTest {
  private static final Duration JOIN = Duration.ofSeconds(120);
  private static final byte[] HOWDY_BYTES = "HoWdY".getBytes(StandardCharsets.US_ASCII);
  private final List<ShareableList<?>> toUnlink = new ArrayList<>();

  private <E> ShareableList<E> unlinkLater(ShareableList<E> sl) {
    toUnlink.add(sl);
    return sl;
  }

  @AfterEach
  void unlinkWhatWasCreated() {
    for (ShareableList<?> sl : toUnlink) {
      sl.close();
      if (Files.exists(Path.of("/dev/shm", sl.shm().name()))) {
        sl.unlink();
      }
    }
  }

  /** CPython's test list: {@code ['howdy', b'HoWdY', -273.154, 100, None, True, 42]}. */
  static List<Object> cpythonTestItems() {
    return Arrays.asList("howdy", HOWDY_BYTES.clone(), -273.154, 100L, null, true, 42L);
  }

  private static List<Object> copyOf(List<?> sl) {
    List<Object> out = new ArrayList<>();
    for (Object o : sl) {
      out.add(o instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) + " (bytes)" : o);
    }
    return out;
  }

  @Test
  void itemsReadBackAsTheirJavaCounterpartsInCPythonsFormat() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    assertThat(sl.format()).isEqualTo("8s8sdqxxxxxx?xxxxxxxx?q");
    assertThat(sl).hasSize(7);
    assertThat(sl.get(0)).isEqualTo("howdy");
    assertThat((byte[]) sl.get(1)).isEqualTo(HOWDY_BYTES);
    assertThat(sl.get(2)).isEqualTo(-273.154);
    assertThat(sl.get(3)).isEqualTo(100L);
    assertThat(sl.get(4)).isNull();
    assertThat(sl.get(5)).isEqualTo(true);
    assertThat(sl.get(6)).isEqualTo(42L);
    assertThat(sl.indexOf(100L)).isEqualTo(3);
    assertThat(sl.indexOf("100")).isEqualTo(-1);
    assertThat(Collections.frequency(sl, 42L)).isEqualTo(1);
  }

  @Test
  void toStringShowsTheItemsAndTheName() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    assertThat(sl.toString()).isEqualTo("ShareableList([howdy, [72, 111, 87, 100, 89], -273.154, 100, null, true, 42], name='"
        + sl.shm().name() + "')");
  }

  @Test
  void indicesOutsideTheListAreRefusedForGetAndSet() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    assertThatThrownBy(() -> sl.get(7)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> sl.set(7, 2L)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> sl.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void setKeepsOrChangesAnItemsTypeWithinItsSlot() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    assertThat(sl.set(0, "howdy")).isEqualTo("howdy");
    assertThat(sl.format()).startsWith("8s8s");
    assertThat(sl.set(3, 42L)).isEqualTo(100L);
    assertThat(sl.get(3)).isEqualTo(42L);
    assertThat(sl.set(4, "some")).isNull();
    assertThat(sl.get(4)).isEqualTo("some");
    assertThat(sl.format()).isEqualTo("8s8sdq8sxxxxxxx?q");
    assertThat(Collections.frequency(sl, 42L)).isEqualTo(2);
    sl.set(4, 2.5);
    assertThat(sl.format()).isEqualTo("8s8sdqdxxxxxxx?q");
    sl.set(4, "back");
    assertThat(sl.format()).isEqualTo("8s8sdq8sxxxxxxx?q");
    sl.set(4, null);
    assertThat(sl.get(4)).isNull();
    sl.set(5, false);
    assertThat(sl.get(5)).isEqualTo(false);
  }

  @Test
  void aStringOrBytesLongerThanItsSlotIsRefusedAndTheItemKept() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    sl.set(4, "some");
    assertThatThrownBy(() -> sl.set(4, "far too many"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds available storage");
    assertThat(sl.get(4)).isEqualTo("some");
    sl.set(0, "encodés"); // exactly 8 bytes of UTF-8
    assertThat(sl.get(0)).isEqualTo("encodés");
    assertThat((byte[]) sl.get(1)).as("no spillage").isEqualTo(HOWDY_BYTES);
    assertThatThrownBy(() -> sl.set(0, "encodées")) // 9 bytes
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds available storage");
    assertThat((byte[]) sl.get(1)).isEqualTo(HOWDY_BYTES);
    assertThatThrownBy(() -> sl.set(1, "123456789".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds available storage");
    assertThat((byte[]) sl.get(1)).isEqualTo(HOWDY_BYTES);
  }

  @Test
  void aListCreatedFromAnotherUnderANewNameIsAnIndependentCopy() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    String name = "test03_duplicate" + ProcessHandle.current().pid();
    ShareableList<Object> copy = unlinkLater(ShareableList.create(name, sl));
    assertThat(copy.shm().name()).isEqualTo(name).isNotEqualTo(sl.shm().name());
    assertThat(copyOf(copy)).isEqualTo(copyOf(sl));
    assertThat(copy.format()).isEqualTo(sl.format());
    copy.set(6, 77L);
    assertThat(copy.get(6)).isEqualTo(77L);
    assertThat(sl.get(6)).isEqualTo(42L);
  }

  @Test
  void aSecondHandleAttachedByNameSharesTheItems() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    try (ShareableList<Object> tethered = ShareableList.attach(sl.shm().name())) {
      assertThat(tethered.shm().name()).isEqualTo(sl.shm().name());
      assertThat(tethered.format()).isEqualTo(sl.format());
      tethered.set(6, 880L);
    }
    assertThat(sl.get(6)).isEqualTo(880L);
  }

  @Test
  void anEmptyListHasNoItemsAndAnEmptyFormat() {
    ShareableList<Object> empty = unlinkLater(ShareableList.create(List.of()));
    assertThat(empty).isEmpty();
    assertThat(empty.format()).isEmpty();
    assertThat(empty.indexOf(null)).isEqualTo(-1);
    assertThat(empty.shm().size()).isEqualTo(16); // the count and offset[0]
  }

  @Test
  void aSerializedListAttachesToTheSameItemsAndTravelsAsItsName() throws Exception {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(new ArrayList<>(LongStream.range(0, 10).boxed().toList())));
    byte[] serialized = SharedMemoryTest.serialize(sl);
    try (ShareableList<Object> same = (ShareableList<Object>) SharedMemoryTest.deserialize(serialized)) {
      assertThat(same).isNotSameAs(sl);
      assertThat(same.get(9)).isEqualTo(9L);
      same.set(4, "changed");
      assertThat(sl.get(4)).isEqualTo("changed");
      sl.set(3, "newvalue");
      assertThat(same.get(3)).isEqualTo("newvalue");
    }
    ShareableList<Object> larger = unlinkLater(ShareableList.create(new ArrayList<>(LongStream.range(0, 400).boxed().toList())));
    assertThat(SharedMemoryTest.serialize(larger)).hasSameSizeAs(serialized);
  }

  @Test
  void deserializingAnUnlinkedListFailsWithNoSuchFile() throws Exception {
    ShareableList<Long> sl = ShareableList.create(LongStream.range(0, 10).boxed().toList());
    byte[] serialized = SharedMemoryTest.serialize(sl);
    sl.close();
    sl.unlink();
    assertThatThrownBy(() -> SharedMemoryTest.deserialize(serialized))
        .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(NoSuchFileException.class);
  }

  @Test
  void smallerIntegersAndFloatsAreStoredAsCPythonsIntAndFloat() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of(1, (short) 2, (byte) 3, 4.5f)));
    assertThat(sl.format()).isEqualTo("qqqd");
    assertThat(new ArrayList<>(sl)).containsExactly(1L, 2L, 3L, 4.5);
  }

  @Test
  void anUnsupportedTypeIsRefusedWithoutMakingABlock() {
    assertThatThrownBy(() -> ShareableList.create("test03_refused" + ProcessHandle.current().pid(), List.of("ok", 'c')))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold a java.lang.Character")
        .hasMessageContaining("Long, Integer, Short, Byte, Double, Float, Boolean, String, byte[] or null");
    assertThat(Files.exists(Path.of("/dev/shm", "test03_refused" + ProcessHandle.current().pid()))).isFalse();
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of(1L)));
    assertThatThrownBy(() -> sl.set(0, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThat(sl.get(0)).isEqualTo(1L);
  }

  @Test
  void theLengthIsFixed() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of(1L, 2L)));
    assertThatThrownBy(() -> sl.add(3L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> sl.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(sl).hasSize(2);
  }

  @Test
  void aNonAsciiStringGetsASlotThatHoldsItsUtf8Bytes() {
    // CPython sizes slots by characters: 5 characters -> 8 bytes, but "ééééé" is 10 bytes of UTF-8
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of("ééééé", "encodés", "ab")));
    assertThat(sl.format()).isEqualTo("16s8s8s");
    assertThat(new ArrayList<>(sl)).containsExactly("ééééé", "encodés", "ab");
  }

  @Test
  void trailingNulCharactersAreLostAsInCPython() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of("ab\0", new byte[] {1, 0})));
    assertThat(sl.get(0)).isEqualTo("ab");
    assertThat((byte[]) sl.get(1)).containsExactly(1);
  }

  @Test
  void attachingToABlockThatHoldsNoListIsRefused() {
    SharedMemory shm = SharedMemory.create(8);
    try {
      assertThatThrownBy(() -> ShareableList.attach(shm.name()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not hold a ShareableList");
    } finally {
      shm.close();
      shm.unlink();
    }
  }

  @Test
  void aClosedListCannotBeRead() {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(List.of(1L)));
    sl.close();
    assertThatThrownBy(() -> sl.get(0)).isInstanceOf(IllegalStateException.class);
    assertThat(sl.toString()).isEqualTo("ShareableList(<closed>, name='" + sl.shm().name() + "')");
  }

  @Test
  void aChildProcessChangesItemsThatThisProcessSees() throws Exception {
    ShareableList<Object> sl = unlinkLater(ShareableList.create(cpythonTestItems()));
    var child = new Process(() -> {
      sl.set(0, "child");
      sl.set(3, 3.25);
      sl.close();
    });
    child.start();
    assertThat(child.join(JOIN)).isTrue();
    assertThat(child.exitCode()).isZero();
    assertThat(sl.get(0)).isEqualTo("child");
    assertThat(sl.get(3)).isEqualTo(3.25);
  }
}
