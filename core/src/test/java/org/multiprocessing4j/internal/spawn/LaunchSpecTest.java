package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.pickle.Codec;

/** The frames a parent writes to a child's stdin: hints, a header, then the launch, read back in order. */
class LaunchSpecTest {

  @Test
  void aHintAndALaunchFrameAreReadBackInOrder() throws IOException {
    byte[] payload = Codec.encode(java.util.List.of("the process", 42), "a payload");
    byte[] authkey = new byte[32];
    authkey[3] = 7;
    var spec = new LaunchSpec(authkey, 4711L, "MainProcess", 4700L, "FINE", true, payload);
    var out = new ByteArrayOutputStream();
    LaunchSpec.write(out, LaunchSpec.frame(LaunchSpec.FRAME_HINT, new byte[] {1, 2, 3}));
    LaunchSpec.write(out, spec.launchFrame());

    var in = new LaunchSpec.FrameReader(new ByteArrayInputStream(out.toByteArray()));
    assertThat(in.next()).containsExactly(1, 2, 3);
    assertThat(in.type()).isEqualTo(LaunchSpec.FRAME_HINT);
    assertThat(in.available()).isPositive();
    byte[] body = in.next();
    assertThat(in.type()).isEqualTo(LaunchSpec.FRAME_LAUNCH);
    LaunchSpec back = LaunchSpec.decode(body, null);
    assertThat(in.available()).isZero();

    assertThat(back.authkey()).isEqualTo(authkey);
    assertThat(back.parentPid()).isEqualTo(4711L);
    assertThat(back.parentName()).isEqualTo("MainProcess");
    assertThat(back.rootPid()).isEqualTo(4700L);
    assertThat(back.logLevel()).isEqualTo("FINE");
    assertThat(back.logToStderr()).isTrue();
    assertThat(Codec.decode(back.payload())).isEqualTo(java.util.List.of("the process", 42));
  }

  private static LaunchSpec read(byte[] frame) throws IOException {
    var in = new LaunchSpec.FrameReader(new ByteArrayInputStream(frame));
    byte[] body = in.next();
    assertThat(in.type()).isEqualTo(LaunchSpec.FRAME_LAUNCH);
    return LaunchSpec.decode(body, null);
  }

  @Test
  void aLaunchFrameLeavesOutTheHeaderSentBeforeAndOnlyThatOne() throws IOException {
    byte[] key = new byte[32];
    var spec = new LaunchSpec(key, 20L, "MainProcess", 20L, "", false, new byte[] {7, 8});
    byte[] header = spec.encodedHeader();
    var out = new ByteArrayOutputStream();
    LaunchSpec.write(out, LaunchSpec.frame(LaunchSpec.FRAME_HEADER, header));
    byte[] short1 = spec.launchFrame(header);
    LaunchSpec.write(out, short1);
    var in = new LaunchSpec.FrameReader(new ByteArrayInputStream(out.toByteArray()));
    LaunchSpec.Header sent = LaunchSpec.decodeHeader(in.next());
    assertThat(in.type()).isEqualTo(LaunchSpec.FRAME_HEADER);
    LaunchSpec back = LaunchSpec.decode(in.next(), sent);

    assertThat(short1.length).isEqualTo(1 + 4 + 4 + 2); // type, length, header length 0, payload
    assertThat(back.parentPid()).isEqualTo(20L);
    assertThat(back.parentName()).isEqualTo("MainProcess");
    assertThat(back.payload()).containsExactly(7, 8);
    // once a field changes, the frame carries the new header whatever the child was sent
    var renamed = new LaunchSpec(key, 20L, "Process-3", 20L, "", false, new byte[] {9});
    LaunchSpec b2 = LaunchSpec.decode(new LaunchSpec.FrameReader(new ByteArrayInputStream(renamed.launchFrame(header)))
        .next(), sent);
    assertThat(b2.parentName()).isEqualTo("Process-3");
    assertThat(b2.payload()).containsExactly(9);
  }

  @Test
  void aSparesRehearsalReadsEveryKindOfFrameWithoutTouchingTheHeaderStartsReuse() throws IOException {
    var real = new LaunchSpec(new byte[32], 30L, "MainProcess", 30L, "", false, new byte[] {1});
    byte[] reused = real.encodedHeader();
    var rehearsal = new LaunchSpec(new byte[32], 1L, "MainProcess", 1L, "INFO", false, new byte[] {2});
    var out = new ByteArrayOutputStream();
    for (byte[] frame : rehearsal.rehearsalFrames()) {
      LaunchSpec.write(out, frame);
    }
    var in = new LaunchSpec.FrameReader(new ByteArrayInputStream(out.toByteArray()));
    LaunchSpec.Header sent = LaunchSpec.decodeHeader(in.next());
    assertThat(LaunchSpec.decode(in.next(), null).logLevel()).isEqualTo("INFO");
    assertThat(LaunchSpec.decode(in.next(), sent).payload()).containsExactly(2);
    assertThat(LaunchSpec.lastHeader()).isSameAs(reused);
  }

  @Test
  void framesAreReadWhateverPiecesTheStreamGivesAndAFrameCutShortIsAnError() throws IOException {
    var out = new ByteArrayOutputStream();
    byte[] big = new byte[20_000]; // more than the reader's buffer
    big[19_999] = 5;
    LaunchSpec.write(out, LaunchSpec.frame(LaunchSpec.FRAME_HINT, big));
    LaunchSpec.write(out, LaunchSpec.frame(LaunchSpec.FRAME_HINT, new byte[] {1}));
    byte[] all = out.toByteArray();
    var trickle = new java.io.FilterInputStream(new ByteArrayInputStream(all)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, 3)); // a pipe that gives a few bytes at a time
      }
    };
    var in = new LaunchSpec.FrameReader(trickle);
    assertThat(in.next()).isEqualTo(big);
    assertThat(in.next()).containsExactly(1);
    assertThatThrownBy(in::next).isInstanceOf(java.io.EOFException.class);

    var cut = new LaunchSpec.FrameReader(new ByteArrayInputStream(java.util.Arrays.copyOf(all, 100)));
    assertThatThrownBy(cut::next).isInstanceOf(java.io.EOFException.class).hasMessageContaining("within a frame");
  }

  @Test
  void eachFrameCarriesItsOwnFieldsWhetherTheHeaderIsReusedOrNot() throws IOException {
    byte[] key = new byte[32];
    var first = new LaunchSpec(key, 10L, "MainProcess", 10L, "", false, new byte[] {1});
    byte[] f1 = first.launchFrame();
    var samePrefix = new LaunchSpec(key.clone(), 10L, "MainProcess", 10L, "", false, new byte[] {2, 3});
    key[0] = 9; // the caller's array changes after the first frame was made: the next header must see it
    var otherKey = new LaunchSpec(key, 10L, "MainProcess", 10L, "", false, new byte[] {4});
    var otherName = new LaunchSpec(key, 10L, "Process-1", 10L, "INFO", true, new byte[] {5});

    LaunchSpec b2 = read(samePrefix.launchFrame());
    LaunchSpec b3 = read(otherKey.launchFrame());
    LaunchSpec b4 = read(otherName.launchFrame());
    LaunchSpec b1 = read(f1);

    assertThat(b1.authkey()[0]).isZero();
    assertThat(b1.payload()).containsExactly(1);
    assertThat(b2.payload()).containsExactly(2, 3);
    assertThat(b3.authkey()[0]).isEqualTo((byte) 9);
    assertThat(b3.payload()).containsExactly(4);
    assertThat(b4.parentName()).isEqualTo("Process-1");
    assertThat(b4.logLevel()).isEqualTo("INFO");
    assertThat(b4.logToStderr()).isTrue();
    assertThat(b4.payload()).containsExactly(5);
  }

  @Test
  void aBodyThatIsNotALaunchFrameIsRefused() {
    assertThatThrownBy(() -> LaunchSpec.decode(new byte[] {0, 0}, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not this library's launch frame");
    assertThatThrownBy(() -> LaunchSpec.decode(new byte[] {0, 0, 0, 9, 1}, null))
        .isInstanceOf(IllegalArgumentException.class);
    // a frame that leaves out a header the child was never sent
    assertThatThrownBy(() -> LaunchSpec.decode(new byte[] {0, 0, 0, 0, 1}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header sent before");
  }
}
