package org.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multiprocessing4j.Process;
import org.multiprocessing4j.testutil.ChildResult;

/**
 * Who a process is: names, {@code currentProcess()}, {@code parentProcess()}, authkey, the daemon
 * rule, subclasses (CPython's {@code test_current}, {@code test_parent_process},
 * {@code test_recursion}, {@code test_daemon_argument}, {@code _TestSubclassingProcess}).
 */
class ProcessIdentityTest {
  private static final Context WARM = Multiprocessing.getContext("warm");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern DEFAULT_NAME = Pattern.compile("Process-(\\d+)");

  @TempDir Path dir;

  /** Runs {@code p}, checks it ended with 0, and returns what it wrote to {@code result}. */
  private static <T> T runAndRead(Process p, ChildResult result) {
    p.start();
    assertThat(p.join(WAIT)).as("%s ended", p).isTrue();
    assertThat(p.exitCode()).as("exit code of %s", p).isZero();
    return result.read();
  }

  @Test
  void defaultNamesCountUpProcess1Process2AcrossContexts() {
    String first = new Process(() -> {}).getName();
    var m = DEFAULT_NAME.matcher(first);
    assertThat(m.matches()).as("default name %s", first).isTrue();
    int n = Integer.parseInt(m.group(1));
    assertThat(n).isPositive();

    assertThat(new Process(() -> {}).getName()).isEqualTo("Process-" + (n + 1));
    assertThat(WARM.process(() -> {}).getName()).isEqualTo("Process-" + (n + 2));
    assertThat(new Process(() -> {}, "Named").getName()).isEqualTo("Named");
    // a name given explicitly still uses up a number, as in Python
    assertThat(new Process(() -> {}).getName()).isEqualTo("Process-" + (n + 4));
  }

  @Test
  void setNameChangesTheLabel() {
    Process p = new Process(() -> {});
    p.setName("Renamed");
    assertThat(p.getName()).isEqualTo("Renamed");
    assertThat(p.toString()).startsWith("<Process name='Renamed' ");
  }

  @Test
  void aChildsChildIsNamedAfterItsParentWithAColonSuffix() {
    ChildResult result = ChildResult.in(dir);
    Process child = WARM.process(() -> {
      ChildResult grandchildResult = ChildResult.in(Path.of(result.path()).getParent());
      Process grandchild = new Process(
          () -> grandchildResult.write(Multiprocessing.currentProcess().getName()));
      grandchild.start();
      grandchild.join();
      result.write((java.io.Serializable) List.of(
          grandchild.getName(), grandchildResult.<String>read(), String.valueOf(grandchild.exitCode())));
    });
    List<String> reported = runAndRead(child, result);

    String expected = child.getName() + ":1";
    assertThat(reported).containsExactly(expected, expected, "0");
  }

  @Test
  void currentProcessInTheMainProcessIsMainProcess() {
    Process main = Multiprocessing.currentProcess();
    assertThat(main.getName()).isEqualTo("MainProcess");
    assertThat(main.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(main.isAlive()).isTrue();
    assertThat(main.isDaemon()).isFalse();
    assertThat(main.exitCode()).isNull();
    assertThat(Multiprocessing.currentProcess()).isSameAs(main);
  }

  @Test
  void parentProcessIsNullInTheMainProcess() {
    assertThat(Multiprocessing.parentProcess()).isNull();
  }

  @Test
  void currentProcessInAChildIsTheChildsOwnProcess() {
    ChildResult result = ChildResult.in(dir);
    Process p = WARM.process(() -> {
      Process me = Multiprocessing.currentProcess();
      result.write((java.io.Serializable) List.of(me.getName(), String.valueOf(me.pid()),
          String.valueOf(ProcessHandle.current().pid()), String.valueOf(me.isAlive()),
          String.valueOf(me.isDaemon())));
    }, "Reporter");
    p.setDaemon(true);
    List<String> reported = runAndRead(p, result);

    String pid = String.valueOf(p.pid());
    assertThat(reported).containsExactly("Reporter", pid, pid, "true", "true");
  }

  @Test
  void parentProcessInAChildHasTheParentsPidAndNameMainProcess() {
    ChildResult result = ChildResult.in(dir);
    Process p = WARM.process(() -> {
      Process parent = Multiprocessing.parentProcess();
      result.write((java.io.Serializable) List.of(parent.getName(), String.valueOf(parent.pid()),
          String.valueOf(parent.isAlive()), String.valueOf(parent.join(Duration.ZERO))));
    });
    List<String> reported = runAndRead(p, result);

    assertThat(reported).containsExactly("MainProcess", String.valueOf(ProcessHandle.current().pid()), "true", "false");
  }

  @Test
  void authkeyOfTheMainProcessIs32BytesAndIsCopiedOnRead() {
    byte[] key = Multiprocessing.currentProcess().getAuthkey();
    assertThat(key).hasSize(32);
    key[0] ^= 1;
    assertThat(Multiprocessing.currentProcess().getAuthkey()).isNotEqualTo(key);
  }

  @Test
  void aNewProcessInheritsTheAuthkeyAndTheChildSeesTheSameBytes() {
    byte[] parentKey = Multiprocessing.currentProcess().getAuthkey();
    ChildResult result = ChildResult.in(dir);
    Process p = WARM.process(() -> result.write(Multiprocessing.currentProcess().getAuthkey()));
    assertThat(p.getAuthkey()).isEqualTo(parentKey);

    byte[] childKey = runAndRead(p, result);
    assertThat(childKey).isEqualTo(parentKey);
  }

  @Test
  void setAuthkeyBeforeStartGivesTheChildThatKey() {
    byte[] key = "a key chosen by the test, 0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ChildResult result = ChildResult.in(dir);
    Process p = WARM.process(() -> result.write(Multiprocessing.currentProcess().getAuthkey()));
    p.setAuthkey(key);
    key[0] = 'X'; // the process keeps its own copy
    assertThat(p.getAuthkey()).startsWith("a key".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    byte[] childKey = runAndRead(p, result);
    assertThat(childKey).isEqualTo(p.getAuthkey());
    assertThat(Multiprocessing.currentProcess().getAuthkey()).isNotEqualTo(childKey);
  }

  @Test
  void aDaemonicProcessMayNotStartChildren() {
    ChildResult result = ChildResult.in(dir);
    Process daemon = WARM.process(() -> {
      Process grandchild = new Process(() -> {}, "Grandchild");
      try {
        grandchild.start();
        grandchild.join();
        result.write("started a child");
      } catch (IllegalStateException e) {
        result.write(e.getClass().getName() + ": " + e.getMessage());
      }
    }, "TheDaemon");
    daemon.setDaemon(true);
    String reported = runAndRead(daemon, result);

    assertThat(reported).isEqualTo("java.lang.IllegalStateException: daemonic processes are not allowed"
        + " to have children: TheDaemon is a daemon, so it cannot start Grandchild");
  }

  @Test
  void aSubclassOverridingRunRunsItsRunInTheChild() {
    ChildResult result = ChildResult.in(dir);
    var p = new Uppercaser("hello from a subclass", result);
    assertThat(p.getName()).matches(DEFAULT_NAME);
    String reported = runAndRead(p, result);
    assertThat(reported).isEqualTo("HELLO FROM A SUBCLASS in " + p.getName());
    assertThat(p).hasToString("<Uppercaser name='" + p.getName() + "' pid=" + p.pid() + " parent="
        + ProcessHandle.current().pid() + " stopped exitcode=0>");
  }

  /** Python's {@code _UpperCaser}: a Process subclass whose fields travel to the child. */
  static final class Uppercaser extends Process {
    @Serial private static final long serialVersionUID = 1L;
    private final String text;
    private final ChildResult result;

    Uppercaser(String text, ChildResult result) {
      this.text = text;
      this.result = result;
    }

    @Override
    public void run() {
      result.write(text.toUpperCase() + " in " + Multiprocessing.currentProcess().getName());
    }
  }
}
