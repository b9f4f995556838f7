package org.multiprocessing4j.internal.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multiprocessing4j.PicklingException;
import org.multiprocessing4j.function.SerializableFunction;

/** The codec that moves objects between JVMs: what round-trips, and how a failure reads. */
class CodecTest {

  private static Object roundTrip(Object value) {
    return Codec.decode(Codec.encode(value, "a test value"));
  }

  static Stream<Object> scalars() {
    return Stream.of(true, false, 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 42L, Long.MIN_VALUE,
        3.5d, Double.NaN, Double.NEGATIVE_INFINITY, -0.0d, 1.25f, (short) -7, (byte) 0x7f, 'x', '\u20ac',
        "", "plain ascii", "non-ASCII: äöü ß € 日本語 \uD83D\uDE00");
  }

  @ParameterizedTest
  @MethodSource("scalars")
  void boxedPrimitivesAndStringsRoundTripWithTheirType(Object value) {
    Object back = roundTrip(value);
    assertThat(back).isEqualTo(value).hasSameClassAs(value);
  }

  @Test
  void nullRoundTrips() {
    assertThat(roundTrip(null)).isNull();
  }

  @Test
  void primitiveArraysRoundTrip() {
    assertThat((byte[]) roundTrip(new byte[] {0, 1, -1, 127, -128})).containsExactly(0, 1, -1, 127, -128);
    assertThat((byte[]) roundTrip(new byte[0])).isEmpty();
    assertThat((int[]) roundTrip(new int[] {1, -2, Integer.MAX_VALUE})).containsExactly(1, -2, Integer.MAX_VALUE);
    assertThat((long[]) roundTrip(new long[] {Long.MIN_VALUE, 0, 5})).containsExactly(Long.MIN_VALUE, 0, 5);
    assertThat((double[]) roundTrip(new double[] {0.5, -1e300, Double.MIN_VALUE}))
        .containsExactly(0.5, -1e300, Double.MIN_VALUE);
  }

  record Point(int x, String label, List<Double> weights) implements Serializable {}

  @Test
  void aRecordRoundTrips() {
    var p = new Point(3, "p", List.of(1.0, 2.0));
    assertThat(roundTrip(p)).isEqualTo(p).isNotSameAs(p);
  }

  @Test
  void listsAndMapsRoundTripWithContentsAndOrder() {
    var list = new ArrayList<Object>(List.of("a", 1, 2L, List.of("nested")));
    list.add(null);
    var map = new LinkedHashMap<String, Object>();
    map.put("z", 1);
    map.put("a", new int[] {1, 2});
    map.put("m", Map.of("k", "v"));

    assertThat(roundTrip(list)).isEqualTo(list).isInstanceOf(ArrayList.class);
    @SuppressWarnings("unchecked")
    var back = (Map<String, Object>) roundTrip(map);
    assertThat(back).isInstanceOf(LinkedHashMap.class).containsOnlyKeys("z", "a", "m");
    assertThat(back.keySet()).containsExactly("z", "a", "m");
    assertThat((int[]) back.get("a")).containsExactly(1, 2);
    assertThat(back.get("m")).isEqualTo(Map.of("k", "v"));
    assertThat(roundTrip(List.of(1, 2, 3))).isEqualTo(List.of(1, 2, 3));
  }

  @Test
  void aSerializableLambdaRoundTripsWithWhatItCaptured() {
    String suffix = "!";
    SerializableFunction<String, String> shout = s -> s.toUpperCase() + suffix;
    @SuppressWarnings("unchecked")
    var back = (SerializableFunction<String, String>) roundTrip(shout);
    assertThat(back.apply("hi")).isEqualTo("HI!");
  }

  @Test
  void anExceptionRoundTripsWithMessageCauseAndStackTrace() {
    var cause = new IllegalArgumentException("the cause");
    var e = new IllegalStateException("the message", cause);
    e.addSuppressed(new UnsupportedOperationException("suppressed"));

    var back = (IllegalStateException) roundTrip(e);

    assertThat(back).hasMessage("the message").isNotSameAs(e);
    assertThat(back.getCause()).isInstanceOf(IllegalArgumentException.class).hasMessage("the cause");
    assertThat(back.getStackTrace()).isEqualTo(e.getStackTrace());
    assertThat(back.getStackTrace()[0].getMethodName())
        .isEqualTo("anExceptionRoundTripsWithMessageCauseAndStackTrace");
    assertThat(back.getCause().getStackTrace()).isEqualTo(cause.getStackTrace());
    assertThat(back.getSuppressed()).singleElement().isInstanceOf(UnsupportedOperationException.class);
  }

  static final class NotSerializableThing {}

  record Holder(Object content) implements Serializable {}

  @Test
  void aNonSerializableObjectFailsInTheSenderWithPicklingExceptionNamingTheClass() {
    assertThatThrownBy(() -> Codec.encode(new Holder(new NotSerializableThing()), "the holder"))
        .isInstanceOf(PicklingException.class)
        .hasMessageStartingWith("cannot send the holder (" + Holder.class.getName() + ") to another process: class "
            + NotSerializableThing.class.getName() + " is not serializable.")
        .hasMessageContaining("Make it implement java.io.Serializable")
        .hasCauseInstanceOf(java.io.NotSerializableException.class);
  }

  @Test
  void theDescriptionOfAValueSentOnSomethingIsBuiltOnlyForTheErrorMessage() {
    var on = new Object() {
      int described;

      @Override
      public String toString() {
        described++;
        return "queue Q";
      }
    };

    Codec.encode(List.of(1, "a"), "an item put on ", on);
    assertThat(on.described).isZero();
    assertThatThrownBy(() -> Codec.encode(new Holder(new NotSerializableThing()), "an item put on ", on))
        .isInstanceOf(PicklingException.class)
        .hasMessageStartingWith("cannot send an item put on queue Q (" + Holder.class.getName() + ")");
    assertThat(on.described).isEqualTo(1);
  }

  @Test
  void valuesOfMoreClassesThanTheDecoderRemembersDecodeAsTheirOwnClass() {
    List<Class<? extends Enum<?>>> enums = List.of(java.time.DayOfWeek.class, java.time.Month.class,
        java.time.temporal.ChronoUnit.class, java.time.temporal.ChronoField.class, java.time.format.TextStyle.class,
        java.time.format.FormatStyle.class, java.time.format.ResolverStyle.class, java.time.format.SignStyle.class,
        java.util.concurrent.TimeUnit.class, java.math.RoundingMode.class, Thread.State.class,
        java.lang.annotation.ElementType.class, java.lang.annotation.RetentionPolicy.class,
        java.nio.file.StandardOpenOption.class, java.nio.file.LinkOption.class, java.nio.file.AccessMode.class,
        java.nio.file.StandardCopyOption.class, java.nio.file.attribute.PosixFilePermission.class,
        java.nio.file.FileVisitResult.class, java.nio.file.FileVisitOption.class, java.util.Locale.Category.class,
        java.util.Formatter.BigDecimalLayoutForm.class, java.text.Normalizer.Form.class,
        ProcessBuilder.Redirect.Type.class, java.net.Proxy.Type.class, java.net.StandardProtocolFamily.class,
        java.util.concurrent.Future.State.class, StackWalker.Option.class, System.Logger.Level.class,
        Character.UnicodeScript.class, java.lang.invoke.VarHandle.AccessMode.class,
        java.lang.reflect.AccessFlag.class, java.lang.reflect.ClassFileFormatVersion.class,
        java.security.KeyRep.Type.class);
    var values = new ArrayList<Object>();
    for (var e : enums) {
      values.add(e.getEnumConstants()[e.getEnumConstants().length - 1]);
    }

    // twice: the second pass finds most names remembered, some slots taken over by others
    for (int pass = 0; pass < 2; pass++) {
      assertThat(roundTrip(values)).isEqualTo(values);
      for (Object v : values) {
        assertThat(roundTrip(v)).isSameAs(v);
      }
    }
  }

  @Test
  void decodeReadsOneMessageOutOfALargerBuffer() {
    var out = new ByteArrayOutputStream();
    out.writeBytes(Codec.encode("first", "a string"));
    int firstLength = out.size();
    out.writeBytes(Codec.encode(List.of(2), "a list"));
    byte[] all = out.toByteArray();

    assertThat(Codec.decode(all, 0, firstLength)).isEqualTo("first");
    assertThat(Codec.decode(all, firstLength, all.length - firstLength)).isEqualTo(List.of(2));
  }

  @Test
  void decodingGarbageFailsWithPicklingException() {
    assertThatThrownBy(() -> Codec.decode(new byte[0]))
        .isInstanceOf(PicklingException.class)
        .hasMessage("cannot decode an empty message");
    assertThatThrownBy(() -> Codec.decode(new byte[] {99}))
        .isInstanceOf(PicklingException.class)
        .hasMessage("cannot decode a message starting with byte 99: not this codec's format");
  }

  enum Colour { RED, GREEN { @Override public String toString() { return "green"; } } }

  record Pair(Object left, Object right) implements Serializable {}

  @Test
  @SuppressWarnings("unchecked")
  void tagFormsKeepTheirClasses() {
    var set = new java.util.HashSet<>(List.of(1, 2));
    var linkedSet = new java.util.LinkedHashSet<>(List.of("b", "a"));
    var map = new java.util.HashMap<String, Object>(Map.of("k", List.of(1)));

    assertThat(roundTrip(set)).isInstanceOf(java.util.HashSet.class).isEqualTo(set);
    assertThat((java.util.Set<Object>) roundTrip(linkedSet)).isInstanceOf(java.util.LinkedHashSet.class).containsExactly("b", "a");
    assertThat(roundTrip(map)).isInstanceOf(java.util.HashMap.class).isEqualTo(map);
    assertThat((Object[]) roundTrip(new Object[] {1, "x", null})).containsExactly(1, "x", null);
    assertThat(roundTrip(List.of(1, 2, 3))).isEqualTo(List.of(1, 2, 3)).hasSameClassAs(List.of(1, 2, 3));
    assertThat(roundTrip(Colour.RED)).isSameAs(Colour.RED);
    assertThat(roundTrip(List.of(Colour.GREEN))).isEqualTo(List.of(Colour.GREEN));
  }

  @Test
  void listsOfIntegersRoundTripAsArrayLists() {
    var ints = new ArrayList<Integer>();
    for (int i = -500; i < 500; i++) {
      ints.add(i * 7919);
    }
    var mixed = new ArrayList<Object>(ints);
    mixed.add(3L);

    assertThat(roundTrip(ints)).isInstanceOf(ArrayList.class).isEqualTo(ints);
    assertThat(roundTrip(mixed)).isInstanceOf(ArrayList.class).isEqualTo(mixed);
    assertThat(Codec.encode(ints, "ints")).hasSizeLessThan(5 + 4 * ints.size() + 1);
  }

  /** Encodes another value while it is itself being encoded (JDK serialization calls writeObject). */
  static final class EncodesWhileEncoded implements Serializable {
    private static final long serialVersionUID = 1L;
    transient byte[] inner;

    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
      inner = Codec.encode(List.of("inner", 1, 2, 3), "an inner value");
      out.defaultWriteObject();
    }

    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
    }
  }

  @Test
  void eachEncodingIsItsOwnArrayAlthoughTheThreadReusesItsBuffer() {
    var big = new ArrayList<Integer>();
    for (int i = 0; i < 100_000; i++) {
      big.add(i); // 400 KB: more than the buffer a thread keeps
    }
    byte[] first = Codec.encode(List.of("first", 1), "a value");
    byte[] large = Codec.encode(big, "a large value");
    byte[] second = Codec.encode(List.of("second", 2), "a value");
    byte[] third = Codec.encode(List.of("third", 3), "a value");

    assertThat(Codec.decode(first)).isEqualTo(List.of("first", 1));
    assertThat(Codec.decode(large)).isEqualTo(big);
    assertThat(Codec.decode(second)).isEqualTo(List.of("second", 2));
    assertThat(Codec.decode(third)).isEqualTo(List.of("third", 3));
  }

  @Test
  void anEncodingInsideAnEncodingUsesABufferOfItsOwn() {
    var outer = new EncodesWhileEncoded();
    byte[] bytes = Codec.encode(List.of("outer", outer, "after"), "a value");

    assertThat(Codec.decode(outer.inner)).isEqualTo(List.of("inner", 1, 2, 3));
    @SuppressWarnings("unchecked")
    var back = (List<Object>) Codec.decode(bytes);
    assertThat(back.get(0)).isEqualTo("outer");
    assertThat(back.get(1)).isInstanceOf(EncodesWhileEncoded.class);
    assertThat(back.get(2)).isEqualTo("after");
  }

  @Test
  void commonValuesTakeTheirTaggedFormNotJdkSerialization() {
    SerializableFunction<Integer, Integer> inc = x -> x + 1;
    assertThat(Codec.encode(new Point(1, "p", List.of(2.0)), "a record")[0]).isEqualTo(Tagged.RECORD);
    assertThat(Codec.encode(inc, "a lambda")[0]).isEqualTo(Tagged.LAMBDA);
    assertThat(Codec.encode(Colour.RED, "an enum")[0]).isEqualTo(Tagged.ENUM);
    assertThat(Codec.encode(List.of(1, 2), "a list")[0]).isEqualTo(Tagged.LIST_OF);
    assertThat(Codec.encode(new java.util.HashMap<>(Map.of(1, 2)), "a map")[0]).isEqualTo(Tagged.HASH_MAP);
    // no tagged form at the top: the whole value goes through JDK serialization
    assertThat(Codec.encode(new java.util.LinkedList<>(List.of(1)), "a linked list")[0]).isEqualTo(Tagged.JAVA);
    assertThat(Codec.encode(java.math.BigInteger.TEN, "a big integer")[0]).isEqualTo(Tagged.JAVA);
  }

  @Test
  void aStreamListWithNullsRoundTrips() {
    List<Object> withNull = java.util.stream.Stream.<Object>of(1, null, "c").toList();
    assertThat(roundTrip(withNull)).isEqualTo(withNull);
  }

  @Test
  void anObjectReachedTwiceStaysOneObject() {
    var shared = new ArrayList<Object>(List.of("x"));
    @SuppressWarnings("unchecked")
    var back = (List<Object>) roundTrip(new ArrayList<>(List.of(shared, shared)));
    assertThat(back.get(0)).isEqualTo(List.of("x")).isSameAs(back.get(1));

    var bytes = new byte[] {1};
    var pair = (Pair) roundTrip(new Pair(bytes, bytes));
    assertThat(pair.left()).isSameAs(pair.right());
  }

  @Test
  void sharingBetweenATaggedPartAndASerializedPartIsKept() {
    var list = new ArrayList<Object>(List.of(1));
    var holder = new java.util.LinkedList<Object>(List.of(list)); // no tag form: JDK serialization
    var pair = (Pair) roundTrip(new Pair(list, holder));
    assertThat(((List<?>) pair.right()).get(0)).isSameAs(pair.left());
  }

  @Test
  void aCycleRoundTrips() {
    var list = new ArrayList<Object>();
    list.add(list);
    var back = (List<?>) roundTrip(list);
    assertThat(back.get(0)).isSameAs(back);
  }

  @Test
  void aRecordHoldingALambdaRoundTrips() {
    SerializableFunction<Integer, Integer> twice = x -> 2 * x;
    var back = (Pair) roundTrip(new Pair(twice, 5));
    @SuppressWarnings("unchecked")
    var f = (SerializableFunction<Integer, Integer>) back.left();
    assertThat(f.apply((Integer) back.right())).isEqualTo(10);
  }

  @Test
  void aTruncatedMessageFailsWithPicklingException() {
    byte[] whole = Codec.encode(new Pair(List.of(1, 2), "text"), "a pair");
    assertThatThrownBy(() -> Codec.decode(whole, 0, whole.length - 3))
        .isInstanceOf(PicklingException.class)
        .hasMessageContaining("ends too early");
  }

  /** A portable value: its fields go through the tagged encoding, its factory builds it again. */
  record Job(String name, int[] data, Object extra) implements Serializable, Codec.Portable {
    static {
      Codec.registerMessage(Job.class, f -> new Job((String) f[0], (int[]) f[1], f[2]));
    }

    @Override
    public Object[] portableFields() {
      return new Object[] {name, data, extra};
    }
  }

  @Test
  void aPortableValueIsBuiltByItsFactory() {
    SerializableFunction<Integer, Integer> inc = x -> x + 1;
    var back = (Job) roundTrip(new Job("j", new int[] {1, 2}, inc));

    assertThat(back.name()).isEqualTo("j");
    assertThat(back.data()).containsExactly(1, 2);
    @SuppressWarnings("unchecked")
    var f = (SerializableFunction<Integer, Integer>) back.extra();
    assertThat(f.apply(1)).isEqualTo(2);
    assertThat(Codec.encode(new Job("j", new int[0], null), "a job")[0]).isEqualTo(Tagged.PORTABLE);
  }

  @Test
  void aQueueTravelsInItsPortableFormAsItsNameAndTheReceiverAttaches() {
    org.multiprocessing4j.internal.queue.RingQueue<Object> queue =
        org.multiprocessing4j.internal.queue.RingQueue.create(0, false);
    try {
      byte[] bytes = Codec.encode(queue, "a queue");
      assertThat(bytes[0]).isEqualTo(Tagged.PORTABLE);
      @SuppressWarnings("unchecked")
      var received = (org.multiprocessing4j.internal.queue.RingQueue<Object>) Codec.decode(bytes);
      try {
        queue.put("through the attached handle");
        assertThat(received.get()).isEqualTo("through the attached handle");
      } finally {
        received.closeAndReap();
      }
    } finally {
      queue.closeAndReap();
    }
  }

  @Test
  void aLockAndAPipeEndTravelInTheirPortableFormsAndTheReceiverAttaches() {
    var lock = org.multiprocessing4j.internal.sync.ShmLock.create();
    var pipe = org.multiprocessing4j.internal.pipe.RingConnection.create(true);
    try {
      byte[] lockBytes = Codec.encode(lock, "a lock");
      byte[] endBytes = Codec.encode(pipe.conn2(), "a pipe end");
      assertThat(lockBytes[0]).isEqualTo(Tagged.PORTABLE);
      assertThat(endBytes[0]).isEqualTo(Tagged.PORTABLE);

      var lock2 = (org.multiprocessing4j.Lock) Codec.decode(lockBytes);
      var end2 = (org.multiprocessing4j.connection.Connection) Codec.decode(endBytes);
      try {
        assertThat(lock2).isEqualTo(lock);
        assertThat(lock.acquire(false)).isTrue();
        assertThat(lock2.acquire(false)).as("the same lock, seen through the attached handle").isFalse();
        lock.release();
        pipe.conn1().send("over the attached end");
        assertThat(end2.recv()).isEqualTo("over the attached end");
      } finally {
        ((org.multiprocessing4j.internal.sync.ShmLock) lock2).close();
        end2.close();
      }
    } finally {
      lock.close();
      pipe.conn1().close();
      pipe.conn2().close();
    }
  }

  @Test
  void everySynchronizationHandleTravelsInItsPortableForm() {
    var handles = List.<Object>of(org.multiprocessing4j.internal.sync.ShmLock.create(),
        org.multiprocessing4j.internal.sync.ShmRLock.create(),
        org.multiprocessing4j.internal.sync.ShmSemaphore.create(2, false),
        org.multiprocessing4j.internal.sync.ShmSemaphore.create(2, true),
        org.multiprocessing4j.internal.sync.ShmEvent.create(),
        org.multiprocessing4j.internal.sync.ShmCondition.create(),
        org.multiprocessing4j.internal.sync.ShmBarrier.create(2, CodecTest::barrierAction, java.time.Duration.ofSeconds(5)));
    try {
      for (Object h : handles) {
        Object received = portableRoundTrip(h);
        assertThat(received).isEqualTo(h);
        close(received);
      }
    } finally {
      handles.forEach(CodecTest::close);
    }
  }

  /** A struct for {@link #sharedValuesAndArraysTravelInTheirPortableForms()}. */
  public record Spot(int x, double y) {}

  @Test
  void sharedValuesAndArraysTravelInTheirPortableForms() {
    var handles = List.<Object>of(
        org.multiprocessing4j.Multiprocessing.value(org.multiprocessing4j.sharedctypes.CType.C_INT, 5),
        org.multiprocessing4j.Multiprocessing.value(org.multiprocessing4j.sharedctypes.CType.C_INT, 6, false),
        org.multiprocessing4j.Multiprocessing.array(org.multiprocessing4j.sharedctypes.CType.C_DOUBLE, List.of(1.5, 2.5)),
        org.multiprocessing4j.Multiprocessing.array(org.multiprocessing4j.sharedctypes.CType.C_CHAR, 3, false),
        org.multiprocessing4j.Multiprocessing.array(org.multiprocessing4j.sharedctypes.CType.C_CHAR, 3),
        org.multiprocessing4j.Multiprocessing.value(org.multiprocessing4j.sharedctypes.CType.struct(Spot.class),
            new Spot(1, 2.5)));
    try {
      for (Object h : handles) {
        Object received = portableRoundTrip(h);
        assertThat(received).isEqualTo(h).hasSameClassAs(h).hasToString(h.toString());
        close(received);
      }
      // the received handle sees the same memory
      @SuppressWarnings("unchecked")
      var v = (org.multiprocessing4j.sharedctypes.Value<Integer>) handles.get(0);
      @SuppressWarnings("unchecked")
      var v2 = (org.multiprocessing4j.sharedctypes.Value<Integer>) Codec.decode(Codec.encode(v, "a value"));
      try {
        v2.set(42);
        assertThat(v.get()).isEqualTo(42);
      } finally {
        close(v2);
      }
    } finally {
      handles.forEach(CodecTest::close);
    }
  }

  @Test
  void sharedMemoryBlocksAndShareableListsTravelAsTheirNames() {
    var block = org.multiprocessing4j.sharedmemory.SharedMemory.create(64);
    var list = org.multiprocessing4j.sharedmemory.ShareableList.<Object>create(List.of(1, "two"));
    try {
      var block2 = (org.multiprocessing4j.sharedmemory.SharedMemory) portableRoundTrip(block);
      @SuppressWarnings("unchecked")
      var list2 = (org.multiprocessing4j.sharedmemory.ShareableList<Object>) portableRoundTrip(list);
      try {
        block.buf().put(0, (byte) 7);
        assertThat(block2.name()).isEqualTo(block.name());
        assertThat(block2.buf().get(0)).isEqualTo((byte) 7);
        list.set(0, 5);
        assertThat(list2).containsExactly(5L, "two"); // integers come back as long, as CPython's q format
      } finally {
        block2.close();
        list2.close();
      }
    } finally {
      block.close();
      block.unlink();
      list.close();
      list.unlink();
    }
  }

  /** Portable, but registered only when the test says so. */
  record LateJob(String name) implements Serializable, Codec.Portable {
    @Override
    public Object[] portableFields() {
      return new Object[] {name};
    }
  }

  @Test
  void aClassRegisteredAfterItsFirstEncodingTravelsPortableFromThenOn() {
    assertThat(Codec.encode(new LateJob("a"), "a late job")[0]).isNotEqualTo(Tagged.PORTABLE);
    Codec.registerMessage(LateJob.class, f -> new LateJob((String) f[0]));

    byte[] bytes = Codec.encode(new LateJob("b"), "a late job");
    assertThat(bytes[0]).isEqualTo(Tagged.PORTABLE);
    assertThat(Codec.decode(bytes)).isEqualTo(new LateJob("b"));
  }

  private static void barrierAction() {
    // a barrier's action travels as a serializable method reference
  }

  /** Encodes {@code h}, checks it took the portable form without any JDK stream inside, decodes it. */
  private static Object portableRoundTrip(Object h) {
    byte[] bytes = Codec.encode(h, "a handle");
    assertThat(bytes[0]).as("tag of %s", h.getClass().getSimpleName()).isEqualTo(Tagged.PORTABLE);
    assertThat(containsJdkStream(bytes)).as("JDK serialization inside %s", h.getClass().getSimpleName()).isFalse();
    return Codec.decode(bytes);
  }

  /** Whether the bytes hold a JDK serialization stream (its magic number and version). */
  private static boolean containsJdkStream(byte[] bytes) {
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] == (byte) 0xAC && bytes[i + 1] == (byte) 0xED && bytes[i + 2] == 0 && bytes[i + 3] == 5) {
        return true;
      }
    }
    return false;
  }

  private static void close(Object handle) {
    try {
      ((AutoCloseable) handle).close();
    } catch (Exception e) {
      throw new AssertionError("cannot close " + handle, e);
    }
  }

  @Test
  void aPipeEndMetTwiceIsCountedOnceForTheReceiver() {
    var pipe = org.multiprocessing4j.internal.pipe.RingConnection.create(true);
    var sent = Codec.collectSent();
    try {
      // the same end twice: the tagged encoding gives up (sharing) and JDK serialization takes over
      byte[] bytes = Codec.encode(new ArrayList<>(List.of(pipe.conn2(), pipe.conn2())), "two of the same end");
      assertThat(bytes[0]).isNotEqualTo(Tagged.PORTABLE);
      assertThat(sent.handles()).containsExactly((Codec.Transferable) pipe.conn2());
      assertThat(sent.sharedMemory()).isTrue();
    } finally {
      Codec.stopCollecting();
      pipe.conn1().close();
      pipe.conn2().close();
    }
  }

  /** Not a record: JDK serialization takes it (as a Process subclass with a queue field). */
  static final class LockHolder implements Serializable {
    private static final long serialVersionUID = 1L;
    final Object lock;

    LockHolder(Object lock) {
      this.lock = lock;
    }
  }

  @Test
  void encodingNotesWhetherAHandleOfSharedMemoryIsAmongTheValues() {
    var lock = org.multiprocessing4j.internal.sync.ShmLock.create();
    try {
      var sent = Codec.collectSent();
      try {
        Codec.encode(List.of(1, "a", new Job("j", new int[0], null)), "values without a handle");
        assertThat(sent.sharedMemory()).as("a portable message is not a handle").isFalse();
        Codec.encode(List.of(1, List.of(lock)), "a lock deep inside");
        assertThat(sent.sharedMemory()).isTrue();
        assertThat(sent.handles()).isEmpty();
      } finally {
        Codec.stopCollecting();
      }
      var viaJdk = Codec.collectSent();
      try {
        // a plain serializable class holding the lock: the whole value goes through JDK serialization
        Codec.encode(new LockHolder(lock), "a holder of a lock");
        assertThat(viaJdk.sharedMemory()).as("noted on the JDK path too").isTrue();
      } finally {
        Codec.stopCollecting();
      }
    } finally {
      lock.close();
    }
  }
}
