package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multiprocessing4j.SyncFixtures.PATIENCE;
import static org.multiprocessing4j.SyncFixtures.joinAll;
import static org.multiprocessing4j.SyncFixtures.start;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multiprocessing4j.internal.pickle.Codec;
import org.multiprocessing4j.internal.sync.ShmLockBase;
import org.multiprocessing4j.sharedctypes.CType;
import org.multiprocessing4j.sharedctypes.SharedCTypes;
import org.multiprocessing4j.sharedctypes.Value;

/** {@link Value} across processes: CPython's {@code _TestValue}, the lock-free operations, and more. */
class ValueTest {
  /** CPython's {@code codes_values}: (typecode, initial, what the child writes). */
  private static final List<Object[]> CODES_VALUES = List.of(
      new Object[] {'i', 4343, 24234},
      new Object[] {'d', 3.625, -4.25},
      new Object[] {'h', (short) -232, (short) 234},
      new Object[] {'q', 1L << 33, 1L << 34},
      new Object[] {'c', (byte) 'x', (byte) 'y'});

  @SuppressWarnings("unchecked")
  private static List<Value<Object>> makeValues(boolean raw) {
    List<Value<Object>> values = new ArrayList<>();
    for (Object[] cv : CODES_VALUES) {
      CType<Object> type = CType.of((char) cv[0]);
      values.add(raw ? SharedCTypes.rawValue(type, cv[1]) : Multiprocessing.value(type, cv[1]));
    }
    return values;
  }

  private static void closeAll(List<? extends AutoCloseable> handles) throws Exception {
    for (AutoCloseable h : handles) {
      h.close();
    }
  }

  @ParameterizedTest(name = "raw={0}")
  @ValueSource(booleans = {false, true})
  void aChildSeesAndSetsTheValues(boolean raw) throws Exception {
    List<Value<Object>> values = makeValues(raw);
    try {
      for (int i = 0; i < values.size(); i++) {
        assertThat(values.get(i).get()).isEqualTo(CODES_VALUES.get(i)[1]);
        assertThat(values.get(i).getLock() == null).isEqualTo(raw);
      }
      var p = start(() -> {
        for (int i = 0; i < values.size(); i++) {
          values.get(i).set(CODES_VALUES.get(i)[2]);
        }
      });
      joinAll(p);
      for (int i = 0; i < values.size(); i++) {
        assertThat(values.get(i).get()).as("typecode %s", CODES_VALUES.get(i)[0]).isEqualTo(CODES_VALUES.get(i)[2]);
      }
    } finally {
      closeAll(values);
    }
  }

  @Test
  void getObjAndGetLockFollowTheLockArgument() {
    try (Lock lock = Multiprocessing.lock();
         Value<Integer> val1 = Multiprocessing.value(CType.C_INT, 5);
         Value<Integer> val2 = Multiprocessing.value(CType.C_INT, 5, (Lock) null);
         Value<Integer> val3 = Multiprocessing.value(CType.C_INT, 5, lock);
         Value<Integer> val4 = Multiprocessing.value(CType.C_INT, 5, false);
         Value<Integer> val5 = SharedCTypes.rawValue(CType.C_INT, 5)) {
      assertThat(val1.getLock()).isInstanceOf(RLock.class);
      assertThat(val1.getObj()).isNotSameAs(val1);
      assertThat(val1.getObj().getLock()).isNull();
      assertThat(val1.getObj().get()).isEqualTo(5);
      assertThat(val2.getLock()).as("lock=None makes an RLock, as in Python").isInstanceOf(RLock.class)
          .isNotEqualTo(val1.getLock());
      assertThat(val3.getLock()).isEqualTo(lock).isNotInstanceOf(RLock.class);
      assertThat(val4.getLock()).isNull();
      assertThat(val4.getObj()).isSameAs(val4);
      assertThat(val5.getLock()).isNull();
      assertThat(val5.getObj()).isSameAs(val5);
    }
  }

  @Test
  void aLockThatOtherProcessesCannotShareIsRefused() {
    Set<String> before = CTypesFixtures.segments();
    Lock foreign = new ForeignLock();
    assertThatThrownBy(() -> Multiprocessing.value(CType.C_INT, 5, foreign)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a Value needs a lock made by Multiprocessing.lock() or rlock()")
        .hasMessageContaining(ForeignLock.class.getName());
    Lock closed = Multiprocessing.lock();
    closed.close();
    assertThatThrownBy(() -> Multiprocessing.value(CType.C_INT, 5, closed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a Value was given a closed handle of Lock mp4j-");
    assertThat(CTypesFixtures.newSegments(before)).as("nothing made by the failed calls").isEmpty();
  }

  @Test
  void aBadTypecodeIsRefused() {
    assertThatThrownBy(() -> Multiprocessing.value(CType.of('x'), null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad typecode");
  }

  @Test
  void theLockOfAValueLivesInTheValuesSegment() {
    Set<String> before = CTypesFixtures.segments();
    try (Value<Long> v = Multiprocessing.value(CType.C_LONGLONG, 1L)) {
      Set<String> made = CTypesFixtures.newSegments(before);
      assertThat(made).hasSize(1);
      assertThat(((ShmLockBase) v.getLock()).segmentName()).isEqualTo(made.iterator().next());
    }
    try (Lock lock = Multiprocessing.lock()) {
      Set<String> withLock = CTypesFixtures.segments();
      try (Value<Long> v = Multiprocessing.value(CType.C_LONGLONG, 1L, lock)) {
        assertThat(CTypesFixtures.newSegments(withLock)).as("the data only; the given lock has its own").hasSize(1);
        assertThat(v.getLock()).isEqualTo(lock);
      }
    }
  }

  @Test
  void everyTypeKeepsItsValuesIncludingTheUnsignedRanges() {
    try (Value<Boolean> bool = Multiprocessing.value(CType.C_BOOL, true);
         Value<Character> wchar = Multiprocessing.value(CType.C_WCHAR, 'é');
         Value<Byte> b = Multiprocessing.value(CType.C_BYTE, Byte.MIN_VALUE);
         Value<Short> ub = Multiprocessing.value(CType.C_UBYTE, (short) 255);
         Value<Integer> us = Multiprocessing.value(CType.C_USHORT, 65535);
         Value<Long> ui = Multiprocessing.value(CType.C_UINT, 4294967295L);
         Value<Long> ul = Multiprocessing.value(CType.C_ULONG, -1L);
         Value<Long> uq = Multiprocessing.value(CType.C_ULONGLONG, Long.MIN_VALUE);
         Value<Float> f = Multiprocessing.value(CType.C_FLOAT, 1.5f)) {
      assertThat(bool.get()).isTrue();
      assertThat(wchar.get()).isEqualTo('é');
      assertThat(b.get()).isEqualTo(Byte.MIN_VALUE);
      assertThat(ub.get()).isEqualTo((short) 255);
      assertThat(us.get()).isEqualTo(65535);
      assertThat(ui.get()).isEqualTo(4294967295L);
      assertThat(Long.toUnsignedString(ul.get())).isEqualTo("18446744073709551615");
      assertThat(uq.get()).isEqualTo(Long.MIN_VALUE);
      assertThat(f.get()).isEqualTo(1.5f);
      assertThatThrownBy(() -> ub.set((short) 256)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("256 is out of range for c_ubyte (0..255)");
      assertThatThrownBy(() -> ui.set(-1L)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("-1 is out of range for c_uint (0..4294967295)");
      assertThat(ub.get()).as("unchanged by the refused set").isEqualTo((short) 255);
    }
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aValueOfTheWrongBoxOrNullIsRefused() {
    try (Value<Short> ub = Multiprocessing.value(CType.C_UBYTE, (short) 1)) {
      Value raw = ub;
      assertThatThrownBy(() -> raw.set(300)).isInstanceOf(ClassCastException.class)
          .hasMessage("a c_ubyte holds a Short, not a Integer (300)");
      assertThatThrownBy(() -> ub.set(null)).isInstanceOf(NullPointerException.class)
          .hasMessage("a c_ubyte cannot hold null");
    }
    assertThatThrownBy(() -> Multiprocessing.value(CType.C_INT, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("the initial value of a c_int Value must not be null");
  }

  @Test
  void reprIsPythons() {
    try (Value<Integer> sync = Multiprocessing.value(CType.C_INT, 5);
         Value<Double> raw = SharedCTypes.rawValue(CType.C_DOUBLE, 2.5)) {
      assertThat(sync).hasToString("<Synchronized wrapper for c_int(5)>");
      assertThat(raw).hasToString("c_double(2.5)");
    }
  }

  @Test
  void aClosedHandleRefusesAccessAndCannotBeSent() {
    Value<Integer> v = Multiprocessing.value(CType.C_INT, 5);
    v.close();
    v.close(); // idempotent
    assertThatThrownBy(v::get).isInstanceOf(IllegalStateException.class).hasMessageContaining("this handle is closed");
    assertThatThrownBy(() -> Codec.encode(v, "a value")).hasStackTraceContaining("this handle is closed");
  }

  @Test
  void aCopyOfTheHandleIsEqualAndClosesIndependently() {
    try (Value<Integer> v = Multiprocessing.value(CType.C_INT, 5)) {
      @SuppressWarnings("unchecked") Value<Integer> copy = (Value<Integer>) Codec.decode(Codec.encode(v, "a value"));
      assertThat(copy).isNotSameAs(v).isEqualTo(v).hasSameHashCodeAs(v);
      assertThat(copy.getLock()).isEqualTo(v.getLock());
      copy.set(7);
      copy.close();
      assertThat(v.get()).isEqualTo(7);
      assertThat(v.getLock().locked()).isFalse();
    }
  }

  @Test
  void handlesSentThroughAQueueReattachWithTheirLock() {
    try (Value<Integer> v = Multiprocessing.value(CType.C_INT, 0); Queue<Value<Integer>> q = Multiprocessing.queue();
         Event held = Multiprocessing.event(); Event go = Multiprocessing.event()) {
      var p = start(() -> {
        try (Value<Integer> mine = q.get()) {
          try (var h = mine.getLock().hold()) {
            held.set();
            go.await();
            mine.set(mine.get() + 41);
          }
        }
      });
      q.put(v);
      assertThat(held.await(PATIENCE)).isTrue();
      assertThat(v.getLock().acquire(false)).as("the child holds the very lock").isFalse();
      assertThat(v.getLock()).hasToString("<RLock(SomeOtherProcess, nonzero)>");
      go.set();
      assertThat(v.getLock().acquire(PATIENCE)).isTrue();
      v.set(v.get() + 1);
      v.getLock().release();
      joinAll(p);
      assertThat(v.get()).isEqualTo(42);
    }
  }

  @Test
  void incrementsUnderTheLockFromTwoProcessesLoseNothing() {
    int perProcess = 5_000;
    try (Value<Integer> counter = Multiprocessing.value(CType.C_INT, 0); Event go = Multiprocessing.event()) {
      var ps = List.of(start(() -> lockedIncrements(counter, go, perProcess)),
          start(() -> lockedIncrements(counter, go, perProcess)));
      go.set();
      joinAll(ps);
      assertThat(counter.get()).isEqualTo(2 * perProcess);
    }
  }

  private static void lockedIncrements(Value<Integer> counter, Event go, int n) {
    go.await();
    for (int i = 0; i < n; i++) {
      try (var held = counter.getLock().hold()) {
        counter.set(counter.get() + 1);
      }
    }
  }

  @Test
  void addAndGetFromTwoProcessesLosesNothing() {
    int perProcess = 100_000;
    try (Value<Integer> counter = Multiprocessing.value(CType.C_INT, 0); Value<Long> big = SharedCTypes.rawValue(
        CType.C_LONGLONG, 1L << 40); Event go = Multiprocessing.event()) {
      var ps = List.of(start(() -> adds(counter, big, go, perProcess)), start(() -> adds(counter, big, go, perProcess)));
      go.set();
      joinAll(ps);
      assertThat(counter.get()).isEqualTo(2 * perProcess);
      assertThat(big.get()).isEqualTo((1L << 40) - 2L * perProcess);
    }
  }

  private static void adds(Value<Integer> counter, Value<Long> big, Event go, int n) {
    go.await();
    for (int i = 0; i < n; i++) {
      counter.addAndGet(1);
      big.addAndGet(-1);
    }
  }

  @Test
  void compareAndSetFromTwoProcessesLosesNothing() {
    int perProcess = 50_000;
    try (Value<Long> counter = SharedCTypes.rawValue(CType.C_UINT, 0L); Event go = Multiprocessing.event()) {
      var ps = List.of(start(() -> casIncrements(counter, go, perProcess)),
          start(() -> casIncrements(counter, go, perProcess)));
      go.set();
      joinAll(ps);
      assertThat(counter.get()).isEqualTo(2L * perProcess);
    }
  }

  private static void casIncrements(Value<Long> counter, Event go, int n) {
    go.await();
    for (int i = 0; i < n; i++) {
      long v;
      do {
        v = counter.get();
      } while (!counter.compareAndSet(v, v + 1));
    }
  }

  @Test
  void lockFreeOperationsWrapAsCDoes() {
    try (Value<Byte> b = SharedCTypes.rawValue(CType.C_BYTE, Byte.MAX_VALUE);
         Value<Short> ub = SharedCTypes.rawValue(CType.C_UBYTE, (short) 0);
         Value<Integer> us = SharedCTypes.rawValue(CType.C_USHORT, 65535);
         Value<Integer> i = Multiprocessing.value(CType.C_INT, Integer.MAX_VALUE);
         Value<Long> ui = SharedCTypes.rawValue(CType.C_UINT, 0L);
         Value<Long> uq = SharedCTypes.rawValue(CType.C_ULONGLONG, -1L)) {
      assertThat(b.addAndGet(1)).isEqualTo(Byte.MIN_VALUE);
      assertThat(ub.addAndGet(-1)).isEqualTo(255);
      assertThat(ub.get()).isEqualTo((short) 255);
      assertThat(us.addAndGet(2)).isEqualTo(1);
      assertThat(i.addAndGet(1)).isEqualTo(Integer.MIN_VALUE);
      assertThat(ui.addAndGet(-1)).isEqualTo(4294967295L);
      assertThat(uq.addAndGet(1)).isZero();
      assertThat(b.compareAndSet((byte) 0, (byte) 1)).isFalse();
      assertThat(b.compareAndSet(Byte.MIN_VALUE, (byte) 7)).isTrue();
      assertThat(b.get()).isEqualTo((byte) 7);
      assertThat(ub.compareAndSet((short) 300, (short) 1)).as("out of range: cannot be the value").isFalse();
      assertThatThrownBy(() -> ub.compareAndSet((short) 255, (short) 256)).isInstanceOf(IllegalArgumentException.class);
      assertThat(i.compareAndSet(Integer.MIN_VALUE, 3)).isTrue();
      assertThat(i.get()).isEqualTo(3);
    }
  }

  @Test
  void lockFreeOperationsRefuseTypesThatAreNotIntegers() {
    try (Value<Double> d = Multiprocessing.value(CType.C_DOUBLE, 1.0);
         Value<Boolean> bool = SharedCTypes.rawValue(CType.C_BOOL, false)) {
      assertThatThrownBy(() -> d.addAndGet(1)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessage("addAndGet works on the C integer types (b B h H i I l L q Q), not on c_double; take the lock"
              + " for a read-modify-write of this Value");
      assertThatThrownBy(() -> bool.compareAndSet(false, true)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("not on c_bool");
    }
  }

  /** A record with every primitive kind a struct takes. */
  record Everything(boolean flag, byte b, short s, char c, int i, long l, float f, double d) {}

  private static Everything maxEverything() {
    return new Everything(true, Byte.MAX_VALUE, Short.MAX_VALUE, '\uffff', Integer.MAX_VALUE, Long.MAX_VALUE,
        Float.MIN_VALUE, Double.NaN);
  }

  @Test
  void structValuesKeepEveryPrimitiveKind() {
    var min = new Everything(false, Byte.MIN_VALUE, Short.MIN_VALUE, '\0', Integer.MIN_VALUE, Long.MIN_VALUE,
        -Float.MAX_VALUE, Double.NEGATIVE_INFINITY);
    try (Value<Everything> v = Multiprocessing.value(CType.struct(Everything.class), min)) {
      assertThat(v.get()).isEqualTo(min);
      joinAll(start(() -> v.set(maxEverything()))); // a struct's record need not be Serializable: made in the child
      assertThat(v.get()).isEqualTo(maxEverything());
      assertThatThrownBy(() -> v.set(null)).isInstanceOf(NullPointerException.class)
          .hasMessage("a Everything struct cannot hold null");
    }
  }

  @Test
  void aWarmSpareDecodingAHintDoesNotAttach() {
    try (Value<Integer> v = Multiprocessing.value(CType.C_INT, 1);
         Value<Integer> raw = SharedCTypes.rawValue(CType.C_INT, 2)) {
      Codec.decodeToWarmUp(Codec.encode(new ArrayList<>(List.of(v, raw)), "handles"));
    } // the leak check fails the test if the decoding attached a handle that nobody closes
  }

  @Test
  void theThreadContextMakesTheSameValues() throws Exception {
    Context threads = Multiprocessing.getContext("thread");
    try (Value<Integer> v = threads.value(CType.C_INT, 1)) {
      var p = threads.process(() -> v.set(v.get() * 10));
      p.start();
      p.join();
      assertThat(v.get()).isEqualTo(10);
    }
  }

  /** A Lock that is not the library's: another process could not share it. */
  private static final class ForeignLock extends java.util.concurrent.locks.ReentrantLock implements Lock {
    @Override
    public boolean acquire() {
      lock();
      return true;
    }

    @Override
    public boolean acquire(boolean block) {
      return block ? acquire() : tryLock();
    }

    @Override
    public boolean acquire(java.time.Duration timeout) {
      return acquire();
    }

    @Override
    public boolean acquire(boolean block, java.time.Duration timeout) {
      return acquire(block);
    }

    @Override
    public void release() {
      unlock();
    }

    @Override
    public Held hold() {
      acquire();
      return this::release;
    }

    @Override
    public boolean locked() {
      return isLocked();
    }

    @Override
    public void close() {}
  }
}
