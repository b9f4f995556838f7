package org.multiprocessing4j.examples;

import java.util.stream.IntStream;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * The specification's "Sharing state between processes" example: a {@code Value} and an
 * {@code Array} in shared memory, changed by a child.
 *
 * <pre>
 * def f(n, a):
 *     n.value = 3.1415927
 *     for i in range(len(a)):
 *         a[i] = -a[i]
 *
 * num = Value('d', 0.0)
 * arr = Array('i', range(10))
 * p = Process(target=f, args=(num, arr)); p.start(); p.join()
 * print num.value
 * print arr[:]
 * </pre>
 *
 * Prints {@code 3.1415927} and {@code [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]}.
 */
public final class SharedStateExample {
  private SharedStateExample() {}

  static void f(Value<Double> n, Array<Integer> a) {
    n.set(3.1415927);
    for (int i = 0; i < a.length(); i++) {
      a.set(i, -a.get(i));
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    try (Value<Double> num = Multiprocessing.value(CType.C_DOUBLE, 0.0);
         Array<Integer> arr = Multiprocessing.array(CType.C_INT, IntStream.range(0, 10).boxed().toList())) {
      var p = new Process(() -> f(num, arr));
      p.start();
      p.join();
      System.out.println(num.get());
      System.out.println(arr.toList());
    }
  }
}
