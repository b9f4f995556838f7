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
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    assertThat(list).isInstanceOf(ChunkedList.class).isInstanceOf(RandomAccess.class);
    assertThat(list).hasSize(250).isEqualTo(expected(250));
    assertThat(list.get(0)).isZero();
    assertThat(list.get(100)).isEqualTo(100);
    assertThat(list.get(249)).isEqualTo(249);
    assertThat(list.hashCode()).isEqualTo(expected(250).hashCode());
    assertThat(list.toString()).isEqualTo(expected(250).toString());
    assertThat(list.subList(98, 102)).containsExactly(98, 99, 100, 101);
    assertThat(list.indexOf(170)).isEqualTo(170);
  }

  @Test
  void indexesOutsideTheListAreRefused() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    assertThatThrownBy(() -> list.get(250)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> list.set(250, 0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void setReplacesInPlace() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    assertThat(list.set(130, -1)).isEqualTo(130);
    assertThat(list.get(130)).isEqualTo(-1);
    var it = list.listIterator(5);
    it.next();
    it.set(-5);
    assertThat(list.get(5)).isEqualTo(-5);
    assertThat(list).hasSize(250).isInstanceOf(ChunkedList.class);
  }

  @Test
  void changesOfSizeWorkLikeAnArrayList() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    var reference = new ArrayList<>(expected(250));
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
    list.listIterator(7).add(77);
    reference.listIterator(7).add(77);
    assertThat(list).isEqualTo(reference);
    list.clear();
    assertThat(list).isEmpty();
    list.add(1);
    assertThat(list).containsExactly(1);
  }

  @Test
  void bulkChangesWorkLikeAnArrayList() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    var reference = new ArrayList<>(expected(250));
    assertThat(list.removeIf(x -> x % 3 == 0)).isEqualTo(reference.removeIf(x -> x % 3 == 0));
    assertThat(list.removeIf(x -> x < 0)).isFalse();
    assertThat(list.removeAll(List.of(1, 2, 4))).isTrue();
    reference.removeAll(List.of(1, 2, 4));
    assertThat(list.retainAll(expected(200))).isTrue();
    reference.retainAll(expected(200));
    assertThat(list.addAll(List.of(-1, -2))).isTrue();
    reference.addAll(List.of(-1, -2));
    assertThat(list.addAll(3, List.of(-3))).isTrue();
    reference.addAll(3, List.of(-3));
    assertThat(list).isEqualTo(reference);
  }

  @Test
  void clearingAWholeListCopiesNothingAndAnIteratorNoticesIt() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    Iterator<Integer> it = list.iterator();
    it.next();
    list.clear();
    assertThat(list).isEmpty();
    assertThatThrownBy(it::next).isInstanceOf(java.util.ConcurrentModificationException.class);
  }

  @Test
  void smallChunksAreCopiedIntoOneList() {
    assertThat(ChunkedList.of(chunks(250, 1), 1)).isInstanceOf(ArrayList.class).isEqualTo(expected(250));
    assertThat(ChunkedList.of(chunks(250, ChunkedList.MIN_PART - 1), ChunkedList.MIN_PART - 1))
        .isInstanceOf(ArrayList.class).isEqualTo(expected(250));
    assertThat(ChunkedList.of(chunks(250, ChunkedList.MIN_PART), ChunkedList.MIN_PART)).isInstanceOf(ChunkedList.class);
  }

  @Test
  void anIteratorSeesAChangeOfSizeAsAConcurrentModification() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    Iterator<Integer> it = list.iterator();
    it.next();
    list.add(1);
    assertThatThrownBy(it::next).isInstanceOf(java.util.ConcurrentModificationException.class);
  }

  @Test
  void unevenChunksAreCopiedIntoOneList() {
    Object[] parts = chunks(250, 100);
    ((List<?>) parts[0]).remove(99); // 99 results where the chunk size says 100
    var all = new ArrayList<>(expected(250));
    all.remove(99);
    List<Integer> list = ChunkedList.of(parts, 100);
    assertThat(list).isInstanceOf(ArrayList.class).isEqualTo(all);
  }

  @Test
  void travelsToAnotherProcessAsAnArrayListInTheCompactForm() {
    List<Integer> list = ChunkedList.of(chunks(250, 100), 100);
    byte[] bytes = Codec.encode(list, "a map result");
    assertThat(bytes.length).isEqualTo(Codec.encode(new ArrayList<>(list), "an ArrayList").length)
        .isLessThan(10 + 4 * 250); // the ints raw, as for an ArrayList of Integers
    assertThat(Codec.decode(bytes)).isInstanceOf(ArrayList.class).isEqualTo(expected(250));
    // inside a JDK-serialized object it is replaced by an ArrayList
    var holder = new java.util.LinkedList<Object>(List.of(list));
    @SuppressWarnings("unchecked")
    var back = (List<Object>) Codec.decode(Codec.encode(holder, "a linked list holding a map result"));
    assertThat(back.get(0)).isInstanceOf(ArrayList.class).isEqualTo(expected(250));
  }
}
