package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A {@link Runnable} that is also {@link Serializable}: the target of a {@link org.multiprocessing4j.Process} (Python's {@code target=f, args=(...)}).
 *
 * <p>A lambda written where this type is expected is serializable, so it can be sent to a child
 * process: Python pickles the callable and its arguments; here the lambda captures its arguments
 * and every captured value must itself be {@link Serializable}.
 */
@FunctionalInterface
public interface SerializableRunnable extends Runnable, Serializable {}
