package org.multiprocessing4j.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.RandomAccess;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.pickle.Codec;

/** The list a map returns: chunk results read in place, a full mutable list to its user. */
class ChunkedListTest {

  /** Chunk results of {@code 0..n-1} in chunks of {@code size}, as the workers send them (ArrayLists). */
  private static Object[] chunks(int n, int size) {
    var parts = new ArrayList<Object>();
    for (int from = 0; from < n; from += size) {
      parts.add(new ArrayList<>(IntStream.range(from, Math.min(n, from + size)).boxed().toList()));
    }
    return parts.toArray();
  }

  private static List<Integer> expected(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void readsEveryElementInOrderAcrossChunks() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    assertThat(list).isInstanceOf(ChunkedList.class).isInstanceOf(RandomAccess.class);
    assertThat(list).hasSize(25).isEqualTo(expected(25));
    assertThat(list.get(0)).isZero();
    assertThat(list.get(10)).isEqualTo(10);
    assertThat(list.get(24)).isEqualTo(24);
    assertThat(list.hashCode()).isEqualTo(expected(25).hashCode());
    assertThat(list.toString()).isEqualTo(expected(25).toString());
    assertThat(list.subList(8, 12)).containsExactly(8, 9, 10, 11);
    assertThat(list.indexOf(17)).isEqualTo(17);
  }

  @Test
  void indexesOutsideTheListAreRefused() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    assertThatThrownBy(() -> list.get(25)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.set(25, 0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void setReplacesInPlace() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    assertThat(list.set(13, -1)).isEqualTo(13);
    assertThat(list.get(13)).isEqualTo(-1);
    assertThat(list).hasSize(25);
  }

  @Test
  void changesOfSizeWorkLikeAnArrayList() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    var reference = new ArrayList<>(expected(25));
    list.add(99);
    reference.add(99);
    list.add(0, -5);
    reference.add(0, -5);
    list.remove(Integer.valueOf(12));
    reference.remove(Integer.valueOf(12));
    list.subList(3, 6).clear();
    reference.subList(3, 6).clear();
    list.set(1, 42);
    reference.set(1, 42);
    assertThat(list).isEqualTo(reference);
    list.clear();
    assertThat(list).isEmpty();
  }

  @Test
  void anIteratorSeesAChangeOfSizeAsAConcurrentModification() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    Iterator<Integer> it = list.iterator();
    it.next();
    list.add(1);
    assertThatThrownBy(it::next).isInstanceOf(java.util.ConcurrentModificationException.class);
  }

  @Test
  void unevenChunksAreCopiedIntoOneList() {
    var parts = new Object[] {new ArrayList<>(List.of(0, 1)), new ArrayList<>(List.of(2, 3, 4)), new ArrayList<>(List.of(5))};
    List<Integer> list = ChunkedList.of(parts, 2);
    assertThat(list).isInstanceOf(ArrayList.class).isEqualTo(expected(6));
  }

  @Test
  void travelsToAnotherProcessAsAnArrayList() {
    List<Integer> list = ChunkedList.of(chunks(25, 10), 10);
    Object back = Codec.decode(Codec.encode(list, "a map result"));
    assertThat(back).isInstanceOf(ArrayList.class).isEqualTo(expected(25));
  }
}
