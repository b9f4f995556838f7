/**
 * Python's {@code multiprocessing} for Java: processes that are real child JVMs, and the queues,
 * pipes, locks and shared values that connect them across processes.
 *
 * <p>Start at {@link org.multiprocessing4j.Multiprocessing} (the module-level functions) and
 * {@link org.multiprocessing4j.Process}. Queues ({@link org.multiprocessing4j.Queue}), pipes
 * ({@link org.multiprocessing4j.Pipe}) and the synchronization primitives
 * ({@link org.multiprocessing4j.Lock} and friends) live here too; sockets are in
 * {@link org.multiprocessing4j.connection}, shared values in
 * {@link org.multiprocessing4j.sharedctypes}, named shared memory in
 * {@link org.multiprocessing4j.sharedmemory}, and the process pool in
 * {@link org.multiprocessing4j.pool}. Managers are not there yet.
 */
package org.multiprocessing4j;
