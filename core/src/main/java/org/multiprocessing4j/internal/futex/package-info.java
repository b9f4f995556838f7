/**
 * Blocking on a word of shared memory (DESIGN.md §4): Linux futexes through the FFM API, and the
 * polling fallback used where native access is not enabled for the library.
 *
 * <p>This is the only package with downcalls ({@code internal.shm} maps files with
 * {@link java.nio.channels.FileChannel} and needs none). A downcall is a
 * restricted method: it is only made when {@link java.lang.Module#isNativeAccessEnabled()} is true
 * for the library's module ({@code --enable-native-access=org.multiprocessing4j} on the module
 * path, {@code --enable-native-access=ALL-UNNAMED} on the class path), so that the JDK never
 * prints a native-access warning because of us.
 */
package org.multiprocessing4j.internal.futex;
