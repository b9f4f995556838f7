"""pool-apply: Pool(2).apply_async(one).get() round trip."""
import multiprocessing
import sys
import time

import benchlib


def one():
    return 1


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    warmup = int(options.get("warmup", 1000))
    for method, n in runs.items():
        samples = []
        with multiprocessing.get_context(method).Pool(2) as pool:
            for i in range(-warmup, n):
                t0 = time.monotonic_ns()
                got = pool.apply_async(one).get()
                t1 = time.monotonic_ns()
                if got != 1:
                    raise RuntimeError(f"got {got}")
                if i >= 0:
                    samples.append(t1 - t0)
            pool.close()
            pool.join()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
