"""process-start-join: wall time of start() + join() of a process with an empty target."""
import multiprocessing
import sys
import time

import benchlib


def empty():
    pass


def main():
    runs, _ = benchlib.parse_args(sys.argv[1:])
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        samples = []
        for i in range(-benchlib.WARMUP_RUNS, n):
            p = ctx.Process(target=empty)
            t0 = time.monotonic_ns()
            p.start()
            p.join()
            t1 = time.monotonic_ns()
            if p.exitcode != 0:
                raise RuntimeError(f"{p} failed")
            if i >= 0:
                samples.append(t1 - t0)
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
