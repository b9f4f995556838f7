package org.multiprocessing4j.connection;

/**
 * A listener and the two ends of one connection through it, without authentication: the client
 * connects (the kernel completes it into the backlog) and the listener accepts, on one thread.
 */
record SocketPair(Listener listener, Connection client, Connection server) implements AutoCloseable {

  static SocketPair open(Family family) {
    Listener listener = family.listener();
    try {
      Connection client = Client.connect(listener.address());
      try {
        return new SocketPair(listener, client, listener.accept());
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
    } catch (RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
    listener.close();
  }
}
