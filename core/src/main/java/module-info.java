/**
 * multiprocessing4j: Python's {@code multiprocessing} for Java 25. Only the public API packages
 * are exported; everything under {@code internal} is not.
 */
module org.multiprocessing4j {
  requires transitive java.logging; // Multiprocessing.getLogger and the levels are java.util.logging types
  requires java.management;
  requires jdk.unsupported; // sun.misc.Signal: a child JVM notes the signal that ends it

  exports org.multiprocessing4j;
  exports org.multiprocessing4j.function;
  exports org.multiprocessing4j.connection;
  exports org.multiprocessing4j.pool;
  exports org.multiprocessing4j.sharedctypes;
  exports org.multiprocessing4j.sharedmemory;
}
