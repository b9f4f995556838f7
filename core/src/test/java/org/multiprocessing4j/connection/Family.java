package org.multiprocessing4j.connection;

/** The two socket families a test runs over. */
enum Family {
  TCP,
  UNIX;

  /** A listener of this family on a free address (loopback port 0, or a fresh Unix socket). */
  Listener listener(byte[] authkey) {
    return new Listener(this == TCP ? new TcpAddress("127.0.0.1", 0) : null, 1, authkey);
  }

  /** A listener of this family without authentication. */
  Listener listener() {
    return listener(null);
  }
}
