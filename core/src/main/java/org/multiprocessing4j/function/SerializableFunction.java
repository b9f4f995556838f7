package org.multiprocessing4j.function;

import java.io.Serializable;

/**
 * A {@link java.util.function.Function} that is also {@link Serializable}: the function of {@code Pool.map} and {@code imap}.
 *
 * <p>A lambda written where this type is expected is serializable, so it can be sent to a child
 * process: Python pickles the callable and its arguments; here the lambda captures its arguments
 * and every captured value must itself be {@link Serializable}.
 */
@FunctionalInterface
public interface SerializableFunction<T, R> extends java.util.function.Function<T, R>, Serializable {}
