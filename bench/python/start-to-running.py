"""start-to-running: from just before start() to the target's first line, and the rest of start -> join.

The child's first line reads CLOCK_MONOTONIC (time.monotonic_ns, the clock Java's System.nanoTime
reads on Linux); it then opens a file, reads the clock again and writes both readings there as two
big-endian 64-bit integers, as the Java target does.
"""
import multiprocessing
import os
import struct
import sys
import time

import benchlib

STAMPS = struct.Struct(">qq")


def stamp_into(path):
    running = time.monotonic_ns()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        last = time.monotonic_ns()
        os.write(fd, STAMPS.pack(running, last))
    finally:
        os.close(fd)


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    directory = options["dir"]
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        phases = {k: [] for k in ("start", "running", "body", "exit", "total")}
        for i in range(-benchlib.WARMUP_RUNS, n):
            path = os.path.join(directory, f"python-{method}-{i + benchlib.WARMUP_RUNS}")
            p = ctx.Process(target=stamp_into, args=(path,))
            t0 = time.monotonic_ns()
            p.start()
            started = time.monotonic_ns()
            p.join()
            joined = time.monotonic_ns()
            if p.exitcode != 0:
                raise RuntimeError(f"{p} failed")
            with open(path, "rb") as f:
                running, last = STAMPS.unpack(f.read())
            if i >= 0:
                phases["start"].append(started - t0)
                phases["running"].append(running - t0)
                phases["body"].append(last - running)
                phases["exit"].append(joined - last)
                phases["total"].append(joined - t0)
        for phase, samples in phases.items():
            benchlib.emit(f"{method}/{phase}", samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
