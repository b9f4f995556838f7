"""shm-create-attach: SharedMemory(create=True, size) + SharedMemory(name) + close both + unlink."""
import sys
import time
from multiprocessing import shared_memory

import benchlib


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    size = int(options.get("size", 1 << 20))
    for method, n in runs.items():
        samples = []
        for i in range(-benchlib.WARMUP_RUNS * 10, n):
            t0 = time.monotonic_ns()
            created = shared_memory.SharedMemory(create=True, size=size)
            attached = shared_memory.SharedMemory(name=created.name)
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
