package org.multiprocessing4j.examples;

import java.util.List;
import java.util.stream.Collectors;
import org.multiprocessing4j.Lock;
import org.multiprocessing4j.Multiprocessing;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.CharArray;
import org.multiprocessing4j.sharedctypes.SharedCTypes;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * The specification's {@code multiprocessing.sharedctypes} example: ctypes objects, a struct
 * among them, modified by a child.
 *
 * <pre>
 * class Point(Structure):
 *     _fields_ = [('x', c_double), ('y', c_double)]
 *
 * def modify(n, x, s, A):
 *     n.value **= 2
 *     x.value **= 2
 *     s.value = s.value.upper()
 *     for a in A:
 *         a.x **= 2
 *         a.y **= 2
 *
 * lock = Lock()
 * n = Value('i', 7)
 * x = Value(c_double, 1.0/3.0, lock=False)
 * s = Array('c', 'hello world', lock=lock)
 * A = Array(Point, [(1.875,-6.25), (-5.75,2.0), (2.375,9.5)], lock=lock)
 * p = Process(target=modify, args=(n, x, s, A)); p.start(); p.join()
 * print n.value
 * print x.value
 * print s.value
 * print [(a.x, a.y) for a in A]
 * </pre>
 *
 * Prints {@code 49}, {@code 0.1111111111111111}, {@code HELLO WORLD} and
 * {@code [(3.515625, 39.0625), (33.0625, 4.0), (5.640625, 90.25)]}. A record is immutable, so
 * {@code a.x **= 2} writes a new {@code Point} into the array.
 */
public final class SharedCTypesExample {
  private SharedCTypesExample() {}

  /** Python's {@code Point(Structure)}: two C doubles. */
  public record Point(double x, double y) {}

  static void modify(Value<Integer> n, Value<Double> x, CharArray s, Array<Point> a) {
    n.set(n.get() * n.get());
    x.set(x.get() * x.get());
    s.setValue(s.value().toUpperCase());
    for (int i = 0; i < a.length(); i++) {
      Point p = a.get(i);
      a.set(i, new Point(p.x() * p.x(), p.y() * p.y()));
    }
  }

  /** Runs the example. */
  public static void main(String[] args) {
    try (Lock lock = Multiprocessing.lock();
         Value<Integer> n = Multiprocessing.value(CType.C_INT, 7);
         Value<Double> x = Multiprocessing.value(CType.C_DOUBLE, 1.0 / 3.0, false);
         CharArray s = SharedCTypes.charArray("hello world", lock);
         Array<Point> a = Multiprocessing.array(CType.struct(Point.class),
             List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0), new Point(2.375, 9.5)), lock)) {
      var p = new Process(() -> modify(n, x, s, a));
      p.start();
      p.join();
      System.out.println(n.get());
      System.out.println(x.get());
      System.out.println(s.value());
      System.out.println(a.toList().stream().map(pt -> "(" + pt.x() + ", " + pt.y() + ")")
          .collect(Collectors.joining(", ", "[", "]")));
    }
  }
}
