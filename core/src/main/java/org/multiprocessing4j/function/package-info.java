/**
 * Serializable functional interfaces. Each extends the matching {@code java.lang},
 * {@code java.util.function} or {@code java.util.concurrent} type and {@link java.io.Serializable},
 * so a lambda written where one is expected can be sent to another process, the way Python
 * pickles a function and its arguments.
 */
package org.multiprocessing4j.function;
