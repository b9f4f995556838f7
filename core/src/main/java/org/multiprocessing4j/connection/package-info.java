/**
 * Connections between processes: Python's {@code multiprocessing.connection}.
 *
 * <p>{@link org.multiprocessing4j.connection.Connection} is one end of a message channel (from
 * {@code Multiprocessing.pipe()}, or from a {@link org.multiprocessing4j.connection.Listener} and
 * {@link org.multiprocessing4j.connection.Client} over TCP or a Unix domain socket, addressed by
 * {@link org.multiprocessing4j.connection.Address}). {@link org.multiprocessing4j.connection.Connections}
 * holds the module functions: the authentication handshake and {@code wait}.
 *
 * <p>Socket connections speak CPython's wire protocol: a 4-byte big-endian length before every
 * message (a 64-bit length after a {@code -1} marker beyond 2 GiB) and the HMAC challenge/response
 * of CPython 3.12 ({@code {sha256}}), with the legacy HMAC-MD5 exchange of 3.11 and older
 * recognised and answered. A CPython {@code Listener} or {@code Client} can be the other end and
 * exchange {@code send_bytes}/{@code recv_bytes}; objects sent with {@code send} are encoded by
 * this library's codec, which CPython does not read (and Python's pickles are not read here).
 *
 * <p>Limits: a message from a socket peer may be at most the system property
 * {@code mp4j.connection.maxMessageBytes} long (bytes; default and maximum 2147483639, the largest
 * Java array). A longer one closes the connection with a {@link org.multiprocessing4j.ProcessException}
 * that names the property. During authentication every message is limited to 256 bytes, and
 * nothing is decoded as an object until authentication has passed.
 */
package org.multiprocessing4j.connection;
