/**
 * Python's {@code multiprocessing} for Java: processes that are real child JVMs, and (as the
 * library grows) the queues, pipes, locks, shared memory, pools and managers that connect them.
 *
 * <p>Start at {@link org.multiprocessing4j.Multiprocessing} (the module-level functions) and
 * {@link org.multiprocessing4j.Process}.
 */
package org.multiprocessing4j;
