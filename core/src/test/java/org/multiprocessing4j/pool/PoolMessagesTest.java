package org.multiprocessing4j.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.multiprocessing4j.internal.pickle.Codec;

/** The pool's messages travel in the codec's portable form (fields, no record reflection) and come back equal. */
class PoolMessagesTest {

  @Test
  void everyMessageRoundTripsInItsPortableForm() throws ReflectiveOperationException {
    var tag = Class.forName("org.multiprocessing4j.internal.pickle.Tagged").getDeclaredField("PORTABLE");
    tag.setAccessible(true);
    byte portable = tag.getByte(null);
    List<Object> messages = List.of(
        new PoolMessages.Func(7L, (Serializable) "f"),
        new PoolMessages.Task(7L, 3, List.of(1, 2, 3), null),
        new PoolMessages.Task(8L, 0, null, "call"),
        new PoolMessages.Forget(7L),
        new PoolMessages.Stop(),
        new PoolMessages.Ready(1, 4711L),
        new PoolMessages.Result(7L, 3, 1, true, List.of(1, 4, 9), 1_000L),
        new PoolMessages.Result(8L, 0, 0, false, "a failure described by a string", 2L),
        new PoolMessages.Exited(1, 2, -9),
        new PoolMessages.Exited(0, 0, null),
        new PoolMessages.Shutdown(),
        new PoolMessages.Start(1, null, null, null, 5)); // the queues' own form is tested with them

    for (Object m : messages) {
      byte[] bytes = Codec.encode(m, "a pool message");
      assertThat(bytes[0]).as("tag of %s", m).isEqualTo(portable);
      assertThat(Codec.decode(bytes)).isEqualTo(m);
    }
  }

  @Test
  void aFailedResultCarriesTheTasksExceptionWithItsMessage() {
    var failed = new PoolMessages.Result(9L, 1, 0, false, new IllegalStateException("the task failed"), 5L);

    var back = (PoolMessages.Result) Codec.decode(Codec.encode(failed, "a failed result"));

    assertThat(back.ok()).isFalse();
    assertThat(back.job()).isEqualTo(9L);
    assertThat(back.chunk()).isEqualTo(1);
    assertThat(back.value()).isInstanceOf(IllegalStateException.class);
    assertThat(((Throwable) back.value()).getMessage()).isEqualTo("the task failed");
  }
}
