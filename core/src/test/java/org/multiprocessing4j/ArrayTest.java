package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.SharedCTypes;

/** {@link Array} across processes: CPython's {@code _TestArray}, and more. */
class ArrayTest {
  private static final List<Integer> SEQ = List.of(680, 626, 934, 821, 150, 233, 548, 982, 714, 831);

  /** CPython's {@code f}: running sums, in place. */
  private static void prefixSums(Array<Integer> seq) {
    for (int i = 1; i < seq.length(); i++) {
      seq.set(i, seq.get(i) + seq.get(i - 1));
    }
  }

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @ParameterizedTest(name = "raw={0}")
  @ValueSource(booleans = {false, true})
  void aChildUpdatesTheArrayInPlace(boolean raw) {
    List<Integer> seq = new ArrayList<>(SEQ);
    try (Array<Integer> arr = raw ? SharedCTypes.rawArray(CType.C_INT, seq) : Multiprocessing.array(CType.C_INT, seq)) {
      assertThat(arr.length()).isEqualTo(seq.size());
      assertThat(arr.get(3)).isEqualTo(seq.get(3));
      assertThat(arr.slice(2, 7)).isEqualTo(seq.subList(2, 7));

      arr.setSlice(4, List.of(1, 2, 3, 4)); // arr[4:8] = seq[4:8] = array.array('i', [1, 2, 3, 4])
      Collections.copy(seq.subList(4, 8), List.of(1, 2, 3, 4));
      assertThat(arr.toList()).isEqualTo(seq);

      for (int i = 1; i < seq.size(); i++) {
        seq.set(i, seq.get(i) + seq.get(i - 1));
      }
      joinAll(start(() -> prefixSums(arr)));
      assertThat(arr.toList()).isEqualTo(seq);
      assertThat(arr).containsExactlyElementsOf(seq);
    }
  }

  @RepeatedTest(3) // CPython repeats it, so that earlier non-zero memory would show
  void anArrayOfASizeStartsZeroed() {
    try (Array<Integer> arr = Multiprocessing.array(CType.C_INT, 10)) {
      assertThat(arr.length()).isEqualTo(10);
      assertThat(arr.toList()).isEqualTo(Collections.nCopies(10, 0));
      arr.setSlice(0, range(10));
      assertThat(arr.toList()).isEqualTo(range(10));
    }
  }

  @Test
  void getObjAndGetLockFollowTheLockArgument() {
    try (Lock lock = Multiprocessing.lock();
         Array<Integer> arr1 = Multiprocessing.array(CType.C_INT, range(10));
         Array<Integer> arr2 = Multiprocessing.array(CType.C_INT, range(10), (Lock) null);
         Array<Integer> arr3 = Multiprocessing.array(CType.C_INT, range(10), lock);
         Array<Integer> arr4 = Multiprocessing.array(CType.C_INT, range(10), false);
         Array<Integer> arr5 = SharedCTypes.rawArray(CType.C_INT, range(10))) {
      assertThat(arr1.getLock()).isInstanceOf(RLock.class);
      assertThat(arr1.getObj().getLock()).isNull();
      assertThat(arr1.getObj().toList()).isEqualTo(range(10));
      assertThat(arr2.getLock()).isInstanceOf(RLock.class);
      assertThat(arr3.getLock()).isEqualTo(lock);
      assertThat(arr4.getLock()).isNull();
      assertThat(arr4.getObj()).isSameAs(arr4);
      assertThat(arr5.getLock()).isNull();
    }
    Lock closed = Multiprocessing.rlock();
    closed.close();
    assertThatThrownBy(() -> Multiprocessing.array(CType.C_INT, range(10), closed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an Array was given a closed handle of RLock");
  }

  @Test
  void badArgumentsAreRefused() {
    Set<String> before = CTypesFixtures.segments();
    assertThatThrownBy(() -> Multiprocessing.array(CType.of('x'), List.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad typecode");
    assertThatThrownBy(() -> Multiprocessing.array(CType.C_INT, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an Array's size must not be negative: -1");
    assertThatThrownBy(() -> Multiprocessing.array(CType.C_INT, java.util.Arrays.asList(1, null, 3)))
        .isInstanceOf(NullPointerException.class).hasMessage("an Array of c_int cannot hold null");
    assertThatThrownBy(() -> Multiprocessing.array(CType.C_UBYTE, List.of((short) 1, (short) -1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("-1 is out of range for c_ubyte (0..255)");
    assertThat(CTypesFixtures.newSegments(before)).as("nothing made by the failed calls").isEmpty();
  }

  @Test
  void indexesOutsideTheArrayAreRefused() {
    try (Array<Double> arr = Multiprocessing.array(CType.C_DOUBLE, 3)) {
      assertThatThrownBy(() -> arr.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> arr.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> arr.set(3, 1.0)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> arr.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> arr.setSlice(1, List.of(1.0, 2.0, 3.0))).isInstanceOf(IndexOutOfBoundsException.class);
      assertThat(arr.toList()).as("nothing written by the refused slice").containsExactly(0.0, 0.0, 0.0);
      assertThat(arr.getLock().locked()).as("the lock is released after a refused access").isFalse();
    }
  }

  @Test
  void anEmptyArrayIsAllowed() {
    try (Array<Long> arr = Multiprocessing.array(CType.C_LONG, 0)) {
      assertThat(arr.length()).isZero();
      assertThat(arr.toList()).isEmpty();
      assertThat(arr.iterator().hasNext()).isFalse();
    }
  }

  @Test
  void reprIsPythonLike() {
    try (Array<Integer> sync = Multiprocessing.array(CType.C_INT, List.of(1, 2, 3));
         Array<Short> raw = SharedCTypes.rawArray(CType.C_SHORT, 2)) {
      assertThat(sync).hasToString("<SynchronizedArray wrapper for c_int_Array_3[1, 2, 3]>");
      assertThat(raw).hasToString("c_short_Array_2[0, 0]");
    }
  }

  @Test
  void aCopyOfTheHandleIsEqualAndSeesTheSameElements() {
    try (Array<Integer> arr = Multiprocessing.array(CType.C_INT, 4)) {
      @SuppressWarnings("unchecked") Array<Integer> copy = (Array<Integer>) Codec.decode(Codec.encode(arr, "an array"));
      assertThat(copy).isEqualTo(arr).isNotSameAs(arr);
      copy.set(2, 9);
      copy.close();
      assertThat(arr.toList()).containsExactly(0, 0, 9, 0);
    }
  }

  @Test
  void neighbouringSubWordElementsAddFromTwoProcessesWithoutLoss() {
    int perProcess = 10_000;
    try (Array<Short> arr = SharedCTypes.rawArray(CType.C_SHORT, 5); Event go = Multiprocessing.event()) {
      var ps = List.of(start(() -> shortAdds(arr, 1, go, perProcess)), start(() -> shortAdds(arr, 2, go, perProcess)));
      go.set();
      joinAll(ps);
      assertThat(arr.toList()).containsExactly((short) (2 * perProcess), (short) perProcess, (short) perProcess,
          (short) 0, (short) 0);
    }
  }

  private static void shortAdds(Array<Short> arr, int own, Event go, int n) {
    go.await();
    for (int i = 0; i < n; i++) {
      arr.addAndGet(0, 1);   // shared by both processes
      arr.addAndGet(own, 1); // the same aligned int as its neighbour's element
    }
  }

  @Test
  void structArraysReadAndWriteWholeRecords() {
    record Pair(int a, long b) {}
    CType<Pair> type = CType.struct(Pair.class);
    try (Array<Pair> arr = Multiprocessing.array(type, List.of(new Pair(1, 2), new Pair(3, 4)))) {
      assertThat(type.size()).isEqualTo(16);
      arr.set(1, new Pair(-5, Long.MAX_VALUE));
      assertThat(arr.toList()).containsExactly(new Pair(1, 2), new Pair(-5, Long.MAX_VALUE));
      assertThatThrownBy(() -> arr.addAndGet(0, 1)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("not on Pair");
    }
  }
}
