package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.sharedctypes.Array;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.CharArray;
import org.multiprocessing4j.sharedctypes.SharedCTypes;
import org.multiprocessing4j.sharedctypes.Value;

/**
 * {@link SharedCTypes}: CPython's {@code _TestSharedCTypes}, {@code copy}, {@code synchronize},
 * and the specification's two examples with their exact output.
 */
class SharedCTypesTest {
  /** CPython's {@code _Foo(Structure)}: {@code x c_int, y c_double, z c_longlong}. */
  record Foo(int x, double y, long z) {}

  /** The specification's {@code Point(Structure)}: {@code x c_double, y c_double}. */
  record Point(double x, double y) {}

  // ------------------------------------------------------------------------------ the specification's examples

  /** "Sharing state between processes": {@code Value('d', 0.0)} and {@code Array('i', range(10))}. */
  @Test
  void theSharedMemoryExamplePrintsWhatTheSpecificationSays() {
    try (Value<Double> num = Multiprocessing.value(CType.C_DOUBLE, 0.0);
         Array<Integer> arr = Multiprocessing.array(CType.C_INT, IntStream.range(0, 10).boxed().toList())) {
      joinAll(start(() -> {
        num.set(3.1415927);
        for (int i = 0; i < arr.length(); i++) {
          arr.set(i, -arr.get(i));
        }
      }));
      assertThat(String.valueOf(num.get())).isEqualTo("3.1415927");
      assertThat(arr.toList().toString()).isEqualTo("[0, -1, -2, -3, -4, -5, -6, -7, -8, -9]");
    }
  }

  /** The {@code sharedctypes} module's example: a child squares everything and upper-cases the string. */
  @Test
  void theSharedCTypesExamplePrintsWhatTheSpecificationSays() {
    try (Lock lock = Multiprocessing.lock();
         Value<Integer> n = Multiprocessing.value(CType.C_INT, 7);
         Value<Double> x = Multiprocessing.value(CType.C_DOUBLE, 1.0 / 3.0, false);
         CharArray s = SharedCTypes.charArray("hello world", lock);
         Array<Point> a = Multiprocessing.array(CType.struct(Point.class),
             List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0), new Point(2.375, 9.5)), lock)) {
      joinAll(start(() -> modify(n, x, s, a)));
      List<String> printed = List.of(String.valueOf(n.get()), String.valueOf(x.get()), s.value(),
          a.toList().stream().map(p -> "(" + p.x() + ", " + p.y() + ")").collect(Collectors.joining(", ", "[", "]")));
      assertThat(printed).containsExactly("49", "0.1111111111111111", "HELLO WORLD",
          "[(3.515625, 39.0625), (33.0625, 4.0), (5.640625, 90.25)]");
    }
  }

  private static void modify(Value<Integer> n, Value<Double> x, CharArray s, Array<Point> a) {
    n.set(n.get() * n.get());
    x.set(x.get() * x.get());
    s.setValue(s.value().toUpperCase());
    for (int i = 0; i < a.length(); i++) {
      Point p = a.get(i);
      a.set(i, new Point(p.x() * p.x(), p.y() * p.y()));
    }
  }

  // ------------------------------------------------------------------------------ _TestSharedCTypes

  @ParameterizedTest(name = "lock={0}")
  @ValueSource(booleans = {false, true})
  void aChildDoublesEverything(boolean lock) {
    try (Value<Integer> x = SharedCTypes.value(CType.C_INT, 7, lock);
         Value<Double> y = SharedCTypes.value(CType.C_DOUBLE, 1.0 / 3.0, lock);
         Value<Foo> foo = SharedCTypes.value(CType.struct(Foo.class), new Foo(3, 2, 1L << 33), lock);
         Array<Double> arr = SharedCTypes.array(CType.C_DOUBLE, IntStream.range(0, 10).mapToObj(i -> (double) i).toList(),
             lock);
         CharArray string = SharedCTypes.charArray(20, lock)) {
      string.setValue("hello");
      assertThat(x.getLock() != null).isEqualTo(lock);
      joinAll(start(() -> doubleAll(x, y, foo, arr, string)));
      assertThat(x.get()).isEqualTo(14);
      assertThat(y.get()).isCloseTo(2.0 / 3.0, within(1e-12));
      assertThat(foo.get()).isEqualTo(new Foo(6, 4.0, 1L << 34));
      for (int i = 0; i < 10; i++) {
        assertThat(arr.get(i)).isEqualTo(i * 2.0);
      }
      assertThat(string.value()).isEqualTo("hellohello");
    }
  }

  private static void doubleAll(Value<Integer> x, Value<Double> y, Value<Foo> foo, Array<Double> arr, CharArray string) {
    x.set(x.get() * 2);
    y.set(y.get() * 2);
    Foo f = foo.get();
    foo.set(new Foo(f.x() * 2, f.y() * 2, f.z() * 2));
    string.setValue(string.value().repeat(2));
    for (int i = 0; i < arr.length(); i++) {
      arr.set(i, arr.get(i) * 2);
    }
  }

  @Test
  void aCopyIsANewRawObjectThatKeepsTheOldContents() {
    try (Value<Foo> foo = SharedCTypes.rawValue(CType.struct(Foo.class), new Foo(2, 5.0, 1L << 33));
         Value<Foo> bar = SharedCTypes.copy(foo)) {
      foo.set(new Foo(0, 0, 0));
      assertThat(bar.get()).isEqualTo(new Foo(2, 5.0, 1L << 33));
      assertThat(bar.getLock()).isNull();
      assertThat(bar).isNotEqualTo(foo);
    }
    try (Array<Integer> arr = Multiprocessing.array(CType.C_INT, List.of(1, 2, 3));
         Array<Integer> copy = SharedCTypes.copy(arr);
         CharArray s = SharedCTypes.charArray("abc");
         CharArray sCopy = SharedCTypes.copy(s)) {
      arr.set(0, 100);
      s.setValue("x");
      assertThat(copy.toList()).containsExactly(1, 2, 3);
      assertThat(copy.getLock()).as("a copy is raw, as Python's").isNull();
      assertThat(sCopy.value()).isEqualTo("abc");
    }
  }

  @Test
  void synchronizeWrapsARawObjectWithALockOfItsOwn() {
    Set<String> before = CTypesFixtures.segments();
    try (Value<Integer> raw = SharedCTypes.rawValue(CType.C_INT, 1);
         Value<Integer> sync = SharedCTypes.synchronize(raw)) {
      assertThat(CTypesFixtures.newSegments(before)).as("the new RLock took the raw value's free first line")
          .hasSize(1);
      assertThat(sync.getLock()).isInstanceOf(RLock.class);
      assertThat(sync).hasToString("<Synchronized wrapper for c_int(1)>");
      try (Value<Integer> second = SharedCTypes.synchronize(raw)) {
        assertThat(second.getLock()).as("a new lock each time, as Python's").isNotEqualTo(sync.getLock());
        assertThat(CTypesFixtures.newSegments(before)).hasSize(2);
      }
      sync.set(5);
      sync.close();
      assertThat(raw.get()).as("closing the wrapper leaves the raw handle open").isEqualTo(5);
    }
  }

  @Test
  void synchronizeWithAGivenLockUsesIt() {
    try (RLock lock = Multiprocessing.rlock();
         Array<Long> raw = SharedCTypes.rawArray(CType.C_LONGLONG, 3);
         Array<Long> sync = SharedCTypes.synchronize(raw, lock);
         CharArray rawS = SharedCTypes.rawCharArray(4);
         CharArray syncS = SharedCTypes.synchronize(rawS, lock)) {
      assertThat(sync.getLock()).isEqualTo(lock);
      assertThat(syncS.getLock()).isEqualTo(lock);
      assertThat(syncS).hasToString("<SynchronizedString wrapper for c_char_Array_4(value=\"\")>");
      try (var held = lock.hold()) {
        sync.set(1, 7L);
        assertThat(lock.getHoldCount()).isEqualTo(1);
      }
      assertThat(raw.toList()).containsExactly(0L, 7L, 0L);
    }
  }

  @Test
  void synchronizingASynchronizedObjectIsRefused() {
    try (Value<Integer> sync = Multiprocessing.value(CType.C_INT, 1); Array<Integer> arr = Multiprocessing.array(
        CType.C_INT, 2); Lock other = Multiprocessing.lock()) {
      assertThatThrownBy(() -> SharedCTypes.synchronize(sync)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("object already synchronized: <Synchronized wrapper for c_int(1)>");
      assertThatThrownBy(() -> SharedCTypes.synchronize(arr, other))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("object already synchronized");
      try (Value<Integer> again = SharedCTypes.synchronize(sync.getObj())) {
        assertThat(again.getLock()).isNotEqualTo(sync.getLock());
      }
    }
  }

  @Test
  void handlesOfEveryKindTravelTogetherToAChild() {
    try (Queue<List<Object>> q = Multiprocessing.queue(); Queue<String> back = Multiprocessing.queue();
         Value<Point> p = SharedCTypes.value(CType.struct(Point.class), new Point(1, 2));
         Array<Short> raw = SharedCTypes.rawArray(CType.C_UBYTE, List.of((short) 200));
         CharArray s = SharedCTypes.charArray("abc")) {
      var child = start(() -> {
        List<Object> got = q.get();
        List<String> seen = new ArrayList<>();
        for (Object o : got) {
          seen.add(o.toString());
          if (o instanceof Value<?> v) {
            v.close();
          } else {
            ((Array<?>) o).close();
          }
        }
        back.put(String.join(" | ", seen));
      });
      q.put(List.of(p, raw, s));
      assertThat(back.get(true, SyncFixtures.PATIENCE)).isEqualTo("<Synchronized wrapper for Point[x=1.0, y=2.0]> | "
          + "c_ubyte_Array_1[200] | <SynchronizedString wrapper for c_char_Array_3(value=\"abc\")>");
      joinAll(child);
    }
  }
}
