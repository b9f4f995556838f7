package org.multiprocessing4j.internal.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The child's end of the control FIFO: what it writes, and what it leaves when the FIFO is gone. */
class ControlClientTest {

  @Test
  void aMessageIsOneRecordOfPidTypeAndValue(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("control.fifo");
    var mkfifo = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
    try (var reader = new RandomAccessFile(fifo.toFile(), "rw")) { // read-write: opening does not block
      ControlClient client = ControlClient.connect(fifo.toString());
      assertThat(client).isNotNull();
      client.send(ControlMessage.DONE, 258);
      client.send(ControlMessage.EXIT, -1);

      byte[] two = new byte[2 * ControlMessage.BYTES];
      reader.readFully(two);
      var in = ByteBuffer.wrap(two);
      assertThat(in.getLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(ControlMessage.of(in.get())).isEqualTo(ControlMessage.DONE);
      assertThat(in.getInt()).isEqualTo(258);
      assertThat(in.getLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(ControlMessage.of(in.get())).isEqualTo(ControlMessage.EXIT);
      assertThat(in.getInt()).isEqualTo(-1);
    }
  }

  @Test
  void aFifoThatIsGoneMeansNoLinkAndNoFileLeftInItsPlace(@TempDir Path dir) {
    Path gone = dir.resolve("mp4j-1-dead.fifo");
    assertThat(ControlClient.connect(gone.toString())).isNull();
    assertThat(Files.exists(gone)).as("a plain file made by the open is removed").isFalse();
  }
}
