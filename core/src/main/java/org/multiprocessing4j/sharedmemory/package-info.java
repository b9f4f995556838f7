/**
 * Named shared memory that CPython can attach too: Python's
 * {@code multiprocessing.shared_memory}.
 *
 * <p>{@link org.multiprocessing4j.sharedmemory.SharedMemory} is a block of bytes in /dev/shm,
 * found by name from any process, Java or CPython;
 * {@link org.multiprocessing4j.sharedmemory.ShareableList} is a fixed-length list of ints, floats,
 * bools, strings, bytes and None stored in such a block with CPython's layout.
 */
package org.multiprocessing4j.sharedmemory;
