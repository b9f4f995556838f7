package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A {@link java.util.function.Consumer} that is also {@link Serializable}.
 *
 * <p>A lambda written where this type is expected is serializable, so it can be sent to a child
 * process: Python pickles the callable and its arguments; here the lambda captures its arguments
 * and every captured value must itself be {@link Serializable}.
 */
@FunctionalInterface
public interface SerializableConsumer<T> extends java.util.function.Consumer<T>, Serializable {}
