"""pool-imap: Pool(2).imap(square, range(N), chunksize=1), consuming every result; items/s."""
import multiprocessing
import sys
import time

import benchlib


def square(x):
    return x * x


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    items = int(options.get("items", 20000))
    data = list(range(items))
    for method, rounds in runs.items():
        samples = []
        with multiprocessing.get_context(method).Pool(2) as pool:
            for r in range(-1, rounds):
                t0 = time.monotonic_ns()
                n = 0
                last = -1
                for last in pool.imap(square, data, 1):
                    n += 1
                t1 = time.monotonic_ns()
                if n != items or last != (items - 1) ** 2:
                    raise RuntimeError("wrong imap result")
                if r >= 0:
                    samples.append(round(items * 1e9 / (t1 - t0)))
            pool.close()
            pool.join()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
