"""pool-map: Pool(2).map(square, range(N)) items/s, chunk size from --chunksize."""
import multiprocessing
import sys
import time

import benchlib


def square(x):
    return x * x


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    items = int(options.get("items", 1000000))
    chunksize = int(options.get("chunksize", 10000))
    data = list(range(items))
    for method, rounds in runs.items():
        samples = []
        with multiprocessing.get_context(method).Pool(2) as pool:
            for r in range(-1, rounds):
                t0 = time.monotonic_ns()
                out = pool.map(square, data, chunksize)
                t1 = time.monotonic_ns()
                if len(out) != items or out[-1] != (items - 1) ** 2:
                    raise RuntimeError("wrong map result")
                if r >= 0:
                    samples.append(round(items * 1e9 / (t1 - t0)))
            pool.close()
            pool.join()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
