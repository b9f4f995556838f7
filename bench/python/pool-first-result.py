"""pool-first-result: from Pool(2) constructor to the first apply_async result; pool closed after."""
import gc
import multiprocessing
import sys
import time

import benchlib


def one():
    return 1


def main():
    runs, _ = benchlib.parse_args(sys.argv[1:])
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        samples = []
        for i in range(-1, n):
            t0 = time.monotonic_ns()
            pool = ctx.Pool(2)
            got = pool.apply_async(one).get()
            t1 = time.monotonic_ns()
            pool.close()
            pool.join()
            del pool
            gc.collect()  # runs the pool's finalizers (its semaphores) while the resource tracker still runs
            if got != 1:
                raise RuntimeError(f"got {got}")
            if i >= 0:
                samples.append(t1 - t0)
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
