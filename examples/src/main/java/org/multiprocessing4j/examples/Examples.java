package org.multiprocessing4j.examples;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** {@code ./mp4j examples NAME}: runs one of the documentation's examples; without a name, lists them. */
public final class Examples {
  private static final Map<String, Consumer<String[]>> EXAMPLES = new TreeMap<>(Map.of(
      "hello", HelloExample::main,
      "info", InfoExample::main,
      "mp-workers", MpWorkersExample::main,
      "pipe", PipeExample::main,
      "pool", PoolExample::main,
      "queue", QueueExample::main,
      "shared-state", SharedStateExample::main,
      "sharedctypes", SharedCTypesExample::main));

  private Examples() {}

  /** The names {@code ./mp4j examples} accepts. */
  static java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(EXAMPLES.keySet());
  }

  /** Runs the example named by the first argument. */
  public static void main(String[] args) {
    if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
      if (args.length > 0) {
        System.err.println("no example called '" + args[0] + "'");
      }
      System.err.println("usage: ./mp4j examples NAME, where NAME is one of " + EXAMPLES.keySet());
      System.exit(args.length == 0 ? 0 : 2);
    }
    EXAMPLES.get(args[0]).accept(java.util.Arrays.copyOfRange(args, 1, args.length));
  }
}
