package org.multiprocessing4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The documentation's Queue, Pipe, Pool and mp_workers examples, run as {@code ./mp4j examples
 * NAME} runs them, with their documented output (issue 4 item 5, issue 5 item 7).
 */
class ExamplesTest {
  private static final Pattern WORKER_RESULT =
      Pattern.compile("\tProcess-\\d+(?::\\d+)* says that (mul|plus)\\((\\d+), (\\d+)\\) = (-?\\d+)");

  private static List<String> linesPrintedBy(Consumer<PrintStream> example) {
    var bytes = new ByteArrayOutputStream();
    try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      example.accept(out);
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void queueExamplePrintsTheListTheChildPut() {
    assertThat(linesPrintedBy(QueueExample::run)).containsExactly("[42, null, hello]");
  }

  @Test
  void pipeExamplePrintsTheListTheChildSent() {
    assertThat(linesPrintedBy(PipeExample::run)).containsExactly("[42, null, hello]");
  }

  @Test
  void poolExamplePrintsApplyMapImapResultsThenTheTimeoutOfTheSleepingTask() {
    long t0 = System.nanoTime();
    List<String> lines = linesPrintedBy(PoolExample::run);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertThat(lines).containsExactly(
        "100",
        "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
        "0",
        "1",
        "4",
        "ProcessTimeoutException: the pool result was not ready within PT1S");
    assertThat(seconds).as("leaving the pool terminates the sleeping task instead of waiting 10 s for it").isLessThan(10);
  }

  @Test
  void mpWorkersExamplePrintsEveryTaskResultOnceMulsBeforePluses() {
    List<String> lines = linesPrintedBy(MpWorkersExample::run);
    assertThat(lines).hasSize(1 + 20 + 10);
    assertThat(lines.getFirst()).isEqualTo("Unordered results:");
    List<String> results = lines.subList(1, lines.size());
    assertThat(results).allSatisfy(line -> assertThat(line).matches(WORKER_RESULT));

    var computed = new ArrayList<String>();
    Set<String> workers = new HashSet<>();
    for (String line : results) {
      var m = WORKER_RESULT.matcher(line);
      assertThat(m.matches()).isTrue();
      computed.add(m.group(1) + "(" + m.group(2) + ", " + m.group(3) + ") = " + m.group(4));
      workers.add(line.substring(1, line.indexOf(' ')));
    }
    var expectedMuls = new ArrayList<String>();
    for (int i = 0; i < 20; i++) {
      expectedMuls.add("mul(" + i + ", 7) = " + i * 7);
    }
    var expectedPluses = new ArrayList<String>();
    for (int i = 0; i < 10; i++) {
      expectedPluses.add("plus(" + i + ", 8) = " + (i + 8));
    }
    assertThat(computed.subList(0, 20)).as("the first batch, in any order").containsExactlyInAnyOrderElementsOf(expectedMuls);
    assertThat(computed.subList(20, 30)).as("the second batch, in any order").containsExactlyInAnyOrderElementsOf(expectedPluses);
    assertThat(workers).as("names of the workers that answered").hasSizeBetween(1, MpWorkersExample.NUMBER_OF_PROCESSES);
  }

  @Test
  void theExamplesAreRegisteredUnderTheirNames() {
    assertThat(Examples.names()).contains("mp-workers", "pipe", "pool", "queue");
  }
}
