package org.multiprocessing4j.bench;

/**
 * One side-by-side benchmark: measures something in Java and the same thing in CPython
 * ({@code bench/python/<name>.py}, run through {@link Bench#python}).
 *
 * <p>To add a workload: write a class implementing this interface, a Python script of the same
 * name that prints its samples as {@code series <name> <value>...} lines (see
 * {@code bench/python/benchlib.py}), and add the class to {@link Workloads#ALL}.
 *
 * <p>A workload ends every process it starts, whatever happens (try/finally); the runner checks
 * that none is left at the end.
 */
public interface Workload {
  /** The name on the command line, in the table, and of the Python script. */
  String name();

  /** One line on what is measured. */
  String description();

  /** Measures the Java and the CPython side. */
  Result run(Bench bench) throws Exception;
}
