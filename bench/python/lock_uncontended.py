"""CPython side of issue 3's lock figure: uncontended ``multiprocessing.Lock`` acquire + release.

Run as ``python3 bench/python/lock_uncontended.py [--rounds=N] [--ops=N]``. Prints one line
``series lock-uncontended-ns v1 v2 ...`` (nanoseconds per acquire+release, one value per round,
the format ``./mp4j bench`` reads) and a summary on stderr. The Java side is the JMH class
``org.multiprocessing4j.bench.jmh.LockUncontended``.
"""
import multiprocessing
import statistics
import sys
import time


def measure(lock, ops):
    """Nanoseconds per acquire+release over ``ops`` pairs, the loop written as a user would."""
    acquire, release = lock.acquire, lock.release
    t0 = time.perf_counter_ns()
    for _ in range(ops):
        acquire()
        release()
    return (time.perf_counter_ns() - t0) / ops


def main(argv):
    options = dict(a[2:].partition("=")[::2] for a in argv if a.startswith("--"))
    rounds = int(options.get("rounds", 10))
    ops = int(options.get("ops", 1_000_000))
    lock = multiprocessing.Lock()
    measure(lock, ops // 10)  # warm-up
    samples = [measure(lock, ops) for _ in range(rounds)]
    print("series", "lock-uncontended-ns", *(round(s) for s in samples), flush=True)
    print(f"CPython {sys.version.split()[0]} multiprocessing.Lock acquire+release: median "
          f"{statistics.median(samples):.1f} ns/op, min {min(samples):.1f} ns/op over {rounds} x {ops}",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
