"""shm-create-attach: SharedMemory(create=True, size) + SharedMemory(name) + close both + unlink.

With --touch=1 the cycle also uses the memory: a byte written through the created object is
read back through the attached one (the Java row "memory used" does the same with segment()).
"""
import sys
import time
from multiprocessing import shared_memory

import benchlib


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    size = int(options.get("size", 1 << 20))
    touch = options.get("touch", "0") == "1"
    for method, n in runs.items():
        samples = []
        for i in range(-benchlib.WARMUP_RUNS * 10, n):
            t0 = time.monotonic_ns()
            created = shared_memory.SharedMemory(create=True, size=size)
            attached = shared_memory.SharedMemory(name=created.name)
            if touch:
                created.buf[0] = i & 0xFF
                if attached.buf[0] != i & 0xFF:
                    raise AssertionError("the attached block does not show the byte written")
            attached.close()
            created.close()
            created.unlink()
            t1 = time.monotonic_ns()
            if i >= 0:
                samples.append(t1 - t0)
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
