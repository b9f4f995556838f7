package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;

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
}
