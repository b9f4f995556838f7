package org.multiprocessing4j.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The length prefix of CPython's framing, including the 64-bit form for messages over 2 GiB. */
class WireFramesTest {

  @Test
  void lengthsUpTo0x7fffffffGetAFourByteBigEndianHeader() {
    assertThat(Frames.encodeHeader(0)).containsExactly(0, 0, 0, 0);
    assertThat(Frames.encodeHeader(0x01020304)).containsExactly(1, 2, 3, 4);
    assertThat(Frames.encodeHeader(0x7fffffffL)).containsExactly(0x7f, 0xff, 0xff, 0xff);
    assertThat(Frames.headerBytes(0x7fffffffL)).isEqualTo(4);
  }

  @Test
  void longerLengthsGetMinusOneThenAnEightByteBigEndianLength() {
    // CPython: struct.pack("!i", -1) + struct.pack("!Q", n) for n > 0x7fffffff
    assertThat(Frames.encodeHeader(0x80000000L))
        .containsExactly(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0x80, 0, 0, 0);
    assertThat(Frames.encodeHeader(5L << 32 | 7))
        .containsExactly(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 5, 0, 0, 0, 7);
    assertThat(Frames.headerBytes(0x80000000L)).isEqualTo(12);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 255, 65_536, 0x7fffffffL, 0x80000000L, 3L << 40, Long.MAX_VALUE})
  void headersDecodeToTheLengthTheyEncode(long length) {
    var buf = ByteBuffer.allocate(16);
    Frames.writeHeader(length, buf);
    buf.put((byte) 42).flip();
    assertThat(Frames.tryReadLength(buf)).isEqualTo(length);
    assertThat(buf.get()).isEqualTo((byte) 42);
  }

  @Test
  void anIncompleteHeaderIsReportedWithoutConsumingAnything() {
    var shortForm = ByteBuffer.wrap(new byte[] {0, 0, 1});
    assertThat(Frames.tryReadLength(shortForm)).isEqualTo(Frames.INCOMPLETE);
    assertThat(shortForm.position()).isZero();
    var longForm = ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0});
    assertThat(Frames.tryReadLength(longForm)).isEqualTo(Frames.INCOMPLETE);
    assertThat(longForm.position()).isZero();
  }

  @Test
  void aNegativeShortLengthOtherThanMinusOneIsInvalid() {
    var buf = ByteBuffer.allocate(4).putInt(-2).flip();
    assertThatThrownBy(() -> Frames.tryReadLength(buf)).isInstanceOf(Frames.InvalidFrameException.class)
        .hasMessageContaining("length -2");
  }

  @Test
  void aLongLengthBeyondSignedRangeSaturates() {
    var buf = ByteBuffer.allocate(12).putInt(-1).putLong(-1).flip();
    assertThat(Frames.tryReadLength(buf)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aNegativeLengthCannotBeEncoded() {
    assertThatThrownBy(() -> Frames.encodeHeader(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
