/**
 * Socket connections with CPython's wire format: {@link org.multiprocessing4j.internal.wire.Frames}
 * (the length prefix), {@link org.multiprocessing4j.internal.wire.Handshake} (HMAC
 * challenge/response, modern and legacy), {@link org.multiprocessing4j.internal.wire.SocketConnection}
 * (a {@code Connection} over a non-blocking socket channel) and
 * {@link org.multiprocessing4j.internal.wire.Waiter} ({@code Connections.wait}). Not exported.
 */
package org.multiprocessing4j.internal.wire;
