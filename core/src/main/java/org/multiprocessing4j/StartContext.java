package org.multiprocessing4j;

import org.multiprocessing4j.function.SerializableRunnable;

/**
 * The context of one named start method, or of the default one ({@code method} null), which
 * follows {@link Multiprocessing#setStartMethod}.
 */
record StartContext(String method) implements Context {
  @Override
  public String getStartMethod() {
    return method != null ? method : Multiprocessing.getStartMethod();
  }

  @Override
  public Process process(SerializableRunnable target) {
    return new Process(target, null, method);
  }

  @Override
  public Process process(SerializableRunnable target, String name) {
    return new Process(target, name, method);
  }
}
