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
    acquire();
    try {
      return obj.value();
    } finally {
      release();
    }
  }

  @Override
  public void setValue(String s) {
    acquire();
    try {
      obj.setValue(s);
    } finally {
      release();
    }
  }

  @Override
  public byte[] raw() {
    acquire();
    try {
      return obj.raw();
    } finally {
      release();
    }
  }

  @Override
  public void setRaw(byte[] bytes) {
    acquire();
    try {
      obj.setRaw(bytes);
    } finally {
      release();
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
