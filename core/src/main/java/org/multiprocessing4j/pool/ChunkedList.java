package org.multiprocessing4j.pool;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.Predicate;
import org.multiprocessing4j.internal.pickle.Codec;

/**
 * The list a {@code map} or {@code starmap} returns: the workers' chunk results side by side,
 * read in place instead of copied into one array. A mutable {@link RandomAccess} list, like the
 * {@code list} CPython returns: {@code get} and {@code set} are O(1); the first change of size
 * (add, remove, clear...) copies the elements into an {@link ArrayList} that the list then works
 * on ({@code clear} and removing everything copy nothing).
 *
 * <p>Why not one {@code ArrayList}: for a large map its array (4 MiB for a million results) is a
 * humongous object for G1, allocated straight in the old generation. Old objects are roots for
 * young collections, so every result the array references was copied by each young collection
 * until the next concurrent cycle, also after the list was dropped: in a loop of
 * {@code map} calls over a million ints that made young pauses of 40-150 ms, one in two or three
 * calls. Chunk results of a moderate size are young objects that die young with the list (a
 * chunk of more than ~130,000 results is itself humongous with G1's smallest regions). Chunks of
 * fewer than {@value #MIN_PART} results are copied into one list instead: a list object per
 * result or two would cost more memory than the copy.
 *
 * <p>Travels to other processes as an {@link ArrayList} of its elements (the codec's compact
 * form, or JDK serialization inside a serialized object).
 */
final class ChunkedList<E> extends AbstractList<E> implements RandomAccess, Serializable, Codec.SentAsArrayList {
  @Serial
  private static final long serialVersionUID = 1L;
  /** Chunks smaller than this are copied into one list. */
  static final int MIN_PART = 64;

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
    if (!even || chunksize < MIN_PART || total > Integer.MAX_VALUE) {
      return concat(parts, (int) Math.min(total, Integer.MAX_VALUE - 16));
    }
    return new ChunkedList<>(parts, chunksize, (int) total);
  }

  /** The elements of {@code parts} in one ArrayList of capacity {@code size}. */
  private static <E> ArrayList<E> concat(List<E>[] parts, int size) {
    var all = new ArrayList<E>(size);
    for (List<E> part : parts) {
      all.addAll(part);
    }
    return all;
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
    if (flat == null && fromIndex == 0 && toIndex == size) {
      flat = new ArrayList<>(); // everything goes: nothing to copy
      parts = null;
    } else {
      flat().subList(fromIndex, toIndex).clear();
    }
    modCount++;
  }

  // the bulk changes work on the ArrayList at once (AbstractList's would remove one by one)

  @Override
  public boolean addAll(Collection<? extends E> c) {
    modCount++;
    return flat().addAll(c);
  }

  @Override
  public boolean addAll(int index, Collection<? extends E> c) {
    modCount++;
    return flat().addAll(index, c);
  }

  @Override
  public boolean removeIf(Predicate<? super E> filter) {
    return counted(flat().removeIf(filter));
  }

  @Override
  public boolean removeAll(Collection<?> c) {
    return counted(flat().removeAll(c));
  }

  @Override
  public boolean retainAll(Collection<?> c) {
    return counted(flat().retainAll(c));
  }

  /** Counts a bulk removal that changed the list as a change of size (for iterators). */
  private boolean counted(boolean changed) {
    if (changed) {
      modCount++;
    }
    return changed;
  }

  /** The elements as one ArrayList, made on the first change of size. */
  private ArrayList<E> flat() {
    if (flat == null) {
      flat = concat(parts, size);
      parts = null;
    }
    return flat;
  }

  @Serial
  private Object writeReplace() {
    return new ArrayList<>(this);
  }

  @Serial
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("a ChunkedList is serialized as an ArrayList, never as itself");
  }
}
