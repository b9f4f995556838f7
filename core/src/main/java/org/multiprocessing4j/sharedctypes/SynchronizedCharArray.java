package org.multiprocessing4j.sharedctypes;

import java.io.Serial;
import org.multiprocessing4j.internal.sync.ShmLockBase;

/** A synchronized {@link CharArray} (Python's {@code SynchronizedString}): each access under the lock. */
final class SynchronizedCharArray extends SynchronizedArray<Byte, RawCharArrayImpl> implements CharArray {
  @Serial private static final long serialVersionUID = 1L;

  SynchronizedCharArray(RawCharArrayImpl obj, ShmLockBase lock) {
    super(obj, lock);
  }

  @Override
  public String value() {
    boolean took = acquireUnlessHeld();
    try {
      return obj.value();
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public void setValue(String s) {
    boolean took = acquireUnlessHeld();
    try {
      obj.setValue(s);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public byte[] raw() {
    boolean took = acquireUnlessHeld();
    try {
      return obj.raw();
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public void setRaw(byte[] bytes) {
    boolean took = acquireUnlessHeld();
    try {
      obj.setRaw(bytes);
    } finally {
      if (took) {
        release();
      }
    }
  }

  @Override
  public CharArray getObj() {
    return obj;
  }

  @Override
  public String toString() {
    return repr("SynchronizedString");
  }
}
