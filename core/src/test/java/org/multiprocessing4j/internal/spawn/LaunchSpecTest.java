package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.pickle.Codec;

/** The frames a parent writes to a child's stdin: hints, then the launch, read back in order. */
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

    var in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
    assertThat(LaunchSpec.readType(in)).isEqualTo(LaunchSpec.FRAME_HINT);
    assertThat(LaunchSpec.readBody(in)).containsExactly(1, 2, 3);
    assertThat(LaunchSpec.readType(in)).isEqualTo(LaunchSpec.FRAME_LAUNCH);
    LaunchSpec back = LaunchSpec.decode(LaunchSpec.readBody(in));
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
    var in = new DataInputStream(new ByteArrayInputStream(frame));
    assertThat(LaunchSpec.readType(in)).isEqualTo(LaunchSpec.FRAME_LAUNCH);
    return LaunchSpec.decode(LaunchSpec.readBody(in));
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
    assertThatThrownBy(() -> LaunchSpec.decode(new byte[] {0, 0})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not this library's launch frame");
    assertThatThrownBy(() -> LaunchSpec.decode(new byte[] {0, 0, 0, 9, 1})).isInstanceOf(IllegalArgumentException.class);
  }
}
