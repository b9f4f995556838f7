package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;

/**
 * A start method with the factories bound to it: Python's context objects
 * ({@code multiprocessing.get_context("spawn")}).
 *
 * <pre>{@code
 * Context warm = Multiprocessing.getContext("warm");
 * Process p = warm.process(() -> work());
 * p.start();
 * }</pre>
 *
 * <p>Start methods: {@code spawn} (a fresh child JVM per process, the default), {@code warm} (a
 * pre-booted spare JVM takes the process: a start costs a pipe write, not a JVM boot) and
 * {@code thread} (a thread of this JVM: Python's {@code multiprocessing.dummy}).
 *
 * <p>This release has the process factory; the factories for queues, locks, shared values, pools
 * and managers arrive with those features.
 */
public interface Context {
  /** The start method of this context: {@code spawn}, {@code warm} or {@code thread}. */
  String getStartMethod();

  /** A new process that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target);

  /** A new process called {@code name} that runs {@code target} with this context's start method. */
  Process process(SerializableRunnable target, String name);
}
