/**
 * C values and arrays in shared memory: Python's {@code multiprocessing.sharedctypes}.
 *
 * <p>{@link org.multiprocessing4j.sharedctypes.CType} names the C type (a typecode or a record
 * laid out as a C struct); {@link org.multiprocessing4j.sharedctypes.Value},
 * {@link org.multiprocessing4j.sharedctypes.Array} and
 * {@link org.multiprocessing4j.sharedctypes.CharArray} are the handles, raw or synchronized by a
 * lock; {@link org.multiprocessing4j.sharedctypes.SharedCTypes} makes them, as do
 * {@code Multiprocessing.value(...)}/{@code array(...)} and the same factories of every
 * {@link org.multiprocessing4j.Context}.
 */
package org.multiprocessing4j.sharedctypes;
