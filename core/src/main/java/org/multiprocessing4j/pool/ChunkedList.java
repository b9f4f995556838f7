package org.multiprocessing4j.pool;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The list a {@code map} or {@code starmap} returns: the workers' chunk results side by side,
 * read in place instead of copied into one array. A mutable {@link RandomAccess} list, like the
 * {@code list} CPython returns: {@code get} and {@code set} are O(1); the first change of size
 * (add, remove, clear) copies the elements into an {@link ArrayList} that the list then works on.
 *
 * <p>Why not one {@code ArrayList}: for a large map its array (4 MiB for a million results) is a
 * humongous object for G1, allocated straight in the old generation. Old objects are roots for
 * young collections, so every result the array references was copied by each young collection
 * until the next concurrent cycle, also after the list was dropped: in a loop of
 * {@code map} calls over a million ints that made young pauses of 40-150 ms, one in two or three
 * calls. The chunk results are young objects that die young with the list.
 *
 * <p>Serialized as an {@link ArrayList} of its elements.
 */
final class ChunkedList<E> extends AbstractList<E> implements RandomAccess, Serializable {
  @Serial
  private static final long serialVersionUID = 1L;

  /** The chunk results in order; every one but the last holds {@code partSize} elements. Null once flat. */
  private transient List<E>[] parts;
  private transient int partSize;
  private transient int size;
  /** The elements after the first change of size; null until then. */
  private transient ArrayList<E> flat;

  private ChunkedList(List<E>[] parts, int partSize, int size) {
    this.parts = parts;
    this.partSize = partSize;
    this.size = size;
  }

  /**
   * A list of the chunk results {@code results} (each a {@link List}) in order, every one but the
   * last of {@code chunksize} elements. Results of other sizes are copied into one list instead.
   */
  @SuppressWarnings("unchecked")
  static <E> List<E> of(Object[] results, int chunksize) {
    var parts = new List[results.length];
    long total = 0;
    boolean even = true;
    for (int i = 0; i < results.length; i++) {
      parts[i] = (List<E>) results[i];
      int n = parts[i].size();
      total += n;
      even &= n == chunksize || i == results.length - 1 && n <= chunksize;
    }
    if (!even || total > Integer.MAX_VALUE) {
      var all = new ArrayList<E>((int) Math.min(total, Integer.MAX_VALUE - 16));
      for (List<E> part : parts) {
        all.addAll(part);
      }
      return all;
    }
    return new ChunkedList<>(parts, chunksize, (int) total);
  }

  @Override
  public E get(int index) {
    if (flat != null) {
      return flat.get(index);
    }
    Objects.checkIndex(index, size);
    return parts[index / partSize].get(index % partSize);
  }

  @Override
  public E set(int index, E element) {
    if (flat != null) {
      return flat.set(index, element);
    }
    Objects.checkIndex(index, size);
    return parts[index / partSize].set(index % partSize, element);
  }

  @Override
  public int size() {
    return flat != null ? flat.size() : size;
  }

  @Override
  public void add(int index, E element) {
    flat().add(index, element);
    modCount++;
  }

  @Override
  public E remove(int index) {
    E removed = flat().remove(index);
    modCount++;
    return removed;
  }

  @Override
  protected void removeRange(int fromIndex, int toIndex) {
    flat().subList(fromIndex, toIndex).clear();
    modCount++;
  }

  /** The elements as one ArrayList, made on the first change of size. */
  private ArrayList<E> flat() {
    if (flat == null) {
      var all = new ArrayList<E>(size);
      for (List<E> part : parts) {
        all.addAll(part);
      }
      flat = all;
      parts = null;
    }
    return flat;
  }

  @Serial
  private Object writeReplace() {
    return new ArrayList<>(this);
  }
}
