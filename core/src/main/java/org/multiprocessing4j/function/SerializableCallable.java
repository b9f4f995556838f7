package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A {@link java.util.concurrent.Callable} that is also {@link Serializable}: a task for {@code Pool.apply} (Python's {@code func, args}).
 *
 * <p>A lambda written where this type is expected is serializable, so it can be sent to a child
 * process: Python pickles the callable and its arguments; here the lambda captures its arguments
 * and every captured value must itself be {@link Serializable}.
 */
@FunctionalInterface
public interface SerializableCallable<V> extends java.util.concurrent.Callable<V>, Serializable {}
