/**
 * Shared memory as files in /dev/shm mapped as {@link java.lang.foreign.MemorySegment}s
 * (DESIGN.md §4): naming, mapping, the library's reference-counted segments, their layouts (one
 * descriptor class each), and the sweep that removes what dead process trees left behind.
 *
 * <ul>
 *   <li>{@link org.multiprocessing4j.internal.shm.ShmFiles}: create, open, map and unlink a file
 *       of /dev/shm, with CPython's errors ({@code FileExistsError}, {@code FileNotFoundError}) as
 *       {@code UncheckedIOException}s.
 *   <li>{@link org.multiprocessing4j.internal.shm.ShmSegment}: a segment of the library
 *       ({@code mp4j-<rootpid>-<random>}), with the header of
 *       {@link org.multiprocessing4j.internal.shm.SegmentDescriptor} and an owner count.
 *   <li>{@link org.multiprocessing4j.internal.shm.ShmSweeper}: the start-up and exit sweeps.
 *   <li>{@link org.multiprocessing4j.internal.shm.ShareableListDescriptor}: CPython's
 *       {@code ShareableList} layout.
 * </ul>
 */
package org.multiprocessing4j.internal.shm;
