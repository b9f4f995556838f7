package org.multiprocessing4j.sharedmemory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.Process;

/**
 * {@link SharedMemory} with CPython's rules; the behaviours of {@code _TestSharedMemory} in
 * CPython's {@code Lib/test/_test_multiprocessing.py} that apply, and the Java-specific ones.
 */
class SharedMemoryTest {
  private static final Duration JOIN = Duration.ofSeconds(120);
  private final List<SharedMemory> toUnlink = new ArrayList<>();

  /** A name no other test run uses: CPython's {@code _new_shm_name} adds the pid too. */
  private static String newName(String prefix) {
    return prefix + ProcessHandle.current().pid();
  }

  private SharedMemory unlinkLater(SharedMemory shm) {
    toUnlink.add(shm);
    return shm;
  }

  @AfterEach
  void unlinkWhatWasCreated() {
    for (SharedMemory shm : toUnlink) {
      shm.close();
      if (Files.exists(Path.of("/dev/shm", shm.name()))) {
        shm.unlink();
      }
    }
  }

  private static byte[] bytes(SharedMemory shm, int length) {
    return shm.segment().asSlice(0, length).toArray(JAVA_BYTE);
  }

  private static void write(SharedMemory shm, String ascii) {
    shm.buf().put(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aNewBlockHasItsNameItsSizeAndCPythonsRepr() {
    String name = newName("test01_tsmb");
    SharedMemory sms = unlinkLater(SharedMemory.create(name, 512));
    assertThat(sms.name()).isEqualTo(name);
    assertThat(sms.size()).isEqualTo(512);
    assertThat(sms.segment().byteSize()).isEqualTo(512);
    assertThat(sms.buf().capacity()).isEqualTo(512);
    assertThat(sms.toString()).isEqualTo("SharedMemory('" + name + "', size=512)");
    assertThat(bytes(sms, 512)).containsOnly(0);
  }

  @Test
  void writesThroughOneObjectAreSeenThroughAnotherAttachedByName() {
    SharedMemory sms = unlinkLater(SharedMemory.create(newName("test01_attach"), 512));
    sms.buf().put(0, (byte) 42);
    assertThat(sms.buf().get(0)).isEqualTo((byte) 42);
    try (SharedMemory also = SharedMemory.attach(sms.name())) {
      assertThat(also.buf().get(0)).isEqualTo((byte) 42);
      also.segment().set(JAVA_LONG, 8, -7L);
    }
    assertThat(sms.segment().get(JAVA_LONG, 8)).isEqualTo(-7L);
  }

  @Test
  void anAttachedBlockHasTheSizeOfTheBlock() {
    SharedMemory sms = unlinkLater(SharedMemory.create(newName("test01_size"), 5000));
    try (SharedMemory same = SharedMemory.attach(sms.name())) {
      assertThat(same.size()).isEqualTo(5000);
    }
  }

  @Test
  void aSizeOfZeroOrLessIsRefused() {
    assertThatThrownBy(() -> SharedMemory.create(-2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'size' must be a positive");
    assertThatThrownBy(() -> SharedMemory.create(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0");
    assertThatThrownBy(() -> SharedMemory.create(newName("test01_zero"), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.exists(Path.of("/dev/shm", newName("test01_zero")))).isFalse();
  }

  @Test
  void creatingANameThatExistsFailsWithFileAlreadyExists() {
    String name = newName("test01_exists");
    unlinkLater(SharedMemory.create(name, 512));
    assertThatThrownBy(() -> SharedMemory.create(name, 512))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("'" + name + "' already exists");
  }

  @Test
  void attachingToANameThatDoesNotExistFailsWithNoSuchFile() {
    assertThatThrownBy(() -> SharedMemory.attach("test01_notthere"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("no shared memory block called 'test01_notthere'");
  }

  @Test
  void aSecondUnlinkFailsWithNoSuchFile() {
    String name = newName("test01_dblunlink");
    SharedMemory uno = SharedMemory.create(name, 5000);
    SharedMemory duo = SharedMemory.attach(name);
    duo.unlink();
    duo.close();
    uno.close();
    assertThatThrownBy(uno::unlink)
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("already unlinked");
  }

  @Test
  void namesWithANulCharacterOrASlashOrNothingAreRefused() {
    String name = newName("test01_null");
    unlinkLater(SharedMemory.create(name, 512));
    assertThatThrownBy(() -> SharedMemory.attach(name + "\0a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedded null character");
    assertThatThrownBy(() -> SharedMemory.create("a/b", 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/'");
    assertThatThrownBy(() -> SharedMemory.attach(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> SharedMemory.attach(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a name");
  }

  @Test
  void aLeadingSlashIsDroppedAsShmOpenDoes() {
    String name = newName("test01_slash");
    SharedMemory sms = unlinkLater(SharedMemory.create("/" + name, 64));
    assertThat(sms.name()).isEqualTo(name);
    try (SharedMemory same = SharedMemory.attach(name)) {
      assertThat(same.size()).isEqualTo(64);
    }
  }

  @Test
  void defaultNamesAreCPythonStyleAndDistinct() {
    SharedMemory a = unlinkLater(SharedMemory.create(1));
    SharedMemory b = unlinkLater(SharedMemory.create(1));
    // CPython's _make_filename: "/psm_" + token_hex(4), 14 characters at most with the slash
    assertThat(a.name()).matches("psm_[0-9a-f]{8}");
    assertThat(("/" + a.name()).length()).isLessThanOrEqualTo(14);
    assertThat(b.name()).matches("psm_[0-9a-f]{8}").isNotEqualTo(a.name());
    assertThat(Files.exists(Path.of("/dev/shm", a.name()))).isTrue();
  }

  @Test
  void theBlockIsAFileOfDevShmReadableAndWritableByItsOwnerOnly() throws Exception {
    SharedMemory sms = unlinkLater(SharedMemory.create(newName("test01_mode"), 10));
    Path file = Path.of("/dev/shm", sms.name());
    assertThat(Files.size(file)).isEqualTo(10);
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aSerializedBlockAttachesToTheSameMemory() throws Exception {
    SharedMemory sms = unlinkLater(SharedMemory.create(512));
    write(sms, "pickle");
    try (SharedMemory sms2 = roundTrip(sms)) {
      assertThat(sms2).isNotSameAs(sms);
      assertThat(sms2.name()).isEqualTo(sms.name());
      assertThat(new String(bytes(sms2, 6), StandardCharsets.US_ASCII)).isEqualTo("pickle");
      write(sms, "newval");
      assertThat(new String(bytes(sms2, 6), StandardCharsets.US_ASCII)).isEqualTo("newval");
      write(sms2, "oldval");
      assertThat(new String(bytes(sms, 6), StandardCharsets.US_ASCII)).isEqualTo("oldval");
    }
  }

  @Test
  void deserializingABlockThatWasUnlinkedFailsWithNoSuchFile() throws Exception {
    SharedMemory sms = SharedMemory.create(512);
    byte[] serialized = serialize(sms);
    sms.close();
    sms.unlink();
    assertThatThrownBy(() -> deserialize(serialized))
        .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(NoSuchFileException.class);
  }

  @Test
  void closeEndsThisObjectsAccessButNotTheBlock() {
    SharedMemory sms = unlinkLater(SharedMemory.create(64));
    MemorySegment segment = sms.segment();
    ByteBuffer buffer = sms.buf();
    sms.close();
    sms.close(); // idempotent, as CPython's
    assertThat(sms.isClosed()).isTrue();
    assertThatThrownBy(sms::segment).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThatThrownBy(sms::buf).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> segment.get(JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> buffer.get(0)).isInstanceOf(IllegalStateException.class);
    try (SharedMemory again = SharedMemory.attach(sms.name())) {
      assertThat(again.size()).isEqualTo(64);
    }
  }

  @Test
  void unlinkRemovesTheNameWhileMappingsStayUsable() {
    SharedMemory sms = SharedMemory.create(64);
    sms.segment().set(JAVA_LONG, 0, 5L);
    sms.unlink();
    assertThat(sms.segment().get(JAVA_LONG, 0)).isEqualTo(5L);
    assertThatThrownBy(() -> SharedMemory.attach(sms.name())).hasCauseInstanceOf(NoSuchFileException.class);
    sms.close();
  }

  @Test
  void aBlockUnlinkedBeforeItsMemoryIsFirstUsedStaysUsableThroughOpenObjects() {
    SharedMemory sms = SharedMemory.create(newName("test01_unlinked_first"), 64);
    SharedMemory attached = SharedMemory.attach(sms.name());
    sms.unlink();
    assertThat(Files.exists(Path.of("/dev/shm", sms.name()))).isFalse();
    sms.segment().set(JAVA_LONG, 0, 11L);
    assertThat(attached.segment().get(JAVA_LONG, 0)).isEqualTo(11L);
    assertThat(attached.segment().byteSize()).isEqualTo(64);
    attached.close();
    sms.close();
  }

  @Test
  void closingAnObjectWhoseMemoryWasNeverUsedEndsItsAccess() {
    SharedMemory sms = unlinkLater(SharedMemory.create(32));
    SharedMemory attached = SharedMemory.attach(sms.name());
    attached.close();
    attached.close();
    assertThat(attached.isClosed()).isTrue();
    assertThatThrownBy(attached::segment).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThatThrownBy(attached::buf).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThat(sms.isClosed()).isFalse();
    assertThat(sms.segment().byteSize()).isEqualTo(32);
  }

  @Test
  void aBlockTruncatedByAnotherProcessBeforeFirstUseIsNotMappedOrEnlarged() throws Exception {
    SharedMemory sms = unlinkLater(SharedMemory.create(4096));
    try (SharedMemory attached = SharedMemory.attach(sms.name())) {
      Path file = Path.of("/dev/shm", sms.name());
      try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(16);
      }
      assertThatThrownBy(attached::segment).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was truncated from 4096 to 16 bytes");
      assertThat(Files.size(file)).isEqualTo(16);
    }
  }

  @Test
  void theMemoryIsUsableOnAnInterruptedThreadWhichStaysInterrupted() {
    SharedMemory sms = unlinkLater(SharedMemory.create(16));
    Thread.currentThread().interrupt();
    try {
      sms.segment().set(JAVA_LONG, 0, 3L);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(sms.buf().getLong(0)).isEqualTo(3L);
  }

  @Test
  void threadsThatFirstUseTheMemoryTogetherGetTheSameMemory() throws Exception {
    SharedMemory sms = unlinkLater(SharedMemory.create(4096));
    var start = new java.util.concurrent.CountDownLatch(1);
    try (var threads = java.util.concurrent.Executors.newFixedThreadPool(2)) {
      java.util.concurrent.Callable<MemorySegment> first = () -> {
        start.await();
        return sms.segment();
      };
      var a = threads.submit(first);
      var b = threads.submit(first);
      start.countDown();
      MemorySegment sa = a.get();
      MemorySegment sb = b.get();
      assertThat(sa.address()).isEqualTo(sb.address());
      sa.set(JAVA_LONG, 0, 99L);
      assertThat(threads.submit(() -> sb.get(JAVA_LONG, 0)).get()).isEqualTo(99L);
    }
    sms.close();
    assertThatThrownBy(() -> sms.segment()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bufGivesIndependentNativeOrderViews() {
    SharedMemory sms = unlinkLater(SharedMemory.create(16));
    ByteBuffer a = sms.buf();
    ByteBuffer b = sms.buf();
    assertThat(a.order()).isEqualTo(ByteOrder.nativeOrder());
    a.putLong(0x0102030405060708L);
    assertThat(b.position()).isZero();
    assertThat(b.getLong()).isEqualTo(0x0102030405060708L);
    assertThat(sms.segment().get(JAVA_LONG, 0)).isEqualTo(0x0102030405060708L);
  }

  @Test
  void attachingToAnEmptyFileIsRefused() throws Exception {
    String name = newName("test01_empty");
    Path file = Files.createFile(Path.of("/dev/shm", name));
    try {
      assertThatThrownBy(() -> SharedMemory.attach(name))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void aChildProcessAttachesByNameOrReceivesTheObjectAndWrites() throws Exception {
    SharedMemory sms = unlinkLater(SharedMemory.create(512));
    String name = sms.name();
    var byName = new Process(() -> {
      try (SharedMemory local = SharedMemory.attach(name)) {
        local.buf().put("howdy".getBytes(StandardCharsets.US_ASCII));
      }
    });
    byName.start();
    assertThat(byName.join(JOIN)).isTrue();
    assertThat(byName.exitCode()).isZero();
    assertThat(new String(bytes(sms, 5), StandardCharsets.US_ASCII)).isEqualTo("howdy");

    var byObject = new Process(() -> {
      sms.buf().put("HELLO".getBytes(StandardCharsets.US_ASCII));
      sms.close();
    });
    byObject.start();
    assertThat(byObject.join(JOIN)).isTrue();
    assertThat(byObject.exitCode()).isZero();
    assertThat(new String(bytes(sms, 5), StandardCharsets.US_ASCII)).isEqualTo("HELLO");
  }

  static byte[] serialize(Object o) throws Exception {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  static Object deserialize(byte[] b) throws Exception {
    try (var in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return in.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T o) throws Exception {
    return (T) deserialize(serialize(o));
  }
}
