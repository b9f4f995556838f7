"""CPython side of issue 3's Value figure: ``Value('i')`` += 1 under its lock from 2 processes.

Run as ``python3 bench/python/value_increment.py [--rounds=N] [--ops=N]``. Each round starts two
processes that wait on a barrier, then each does ``ops`` times::

    with v.get_lock():
        v.value += 1

and reports when it started and ended (``time.monotonic_ns``, one clock for every process).
Prints one line ``series value-increment-ops-per-s v1 v2 ...`` (increments per second by both
processes together, from the first start to the last end; one value per round, the format
``./mp4j bench`` reads) and a summary on stderr. The Java side is
``org.multiprocessing4j.bench.ValueIncrement``.
"""
import multiprocessing
import statistics
import sys
import time


def worker(value, barrier, ops, times):
    """Warms up, waits for the other process, then increments ``ops`` times under the lock."""
    lock = value.get_lock()
    for _ in range(ops // 10):
        with lock:
            value.value += 1
    barrier.wait()
    t0 = time.monotonic_ns()
    for _ in range(ops):
        with value.get_lock():
            value.value += 1
    times.put((t0, time.monotonic_ns()))


def measure(ops):
    """Increments per second of two processes sharing one ``Value('i')``."""
    value = multiprocessing.Value('i', 0)
    barrier = multiprocessing.Barrier(2)
    times = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(value, barrier, ops, times)) for _ in range(2)]
    for p in procs:
        p.start()
    spans = [times.get() for _ in procs]
    for p in procs:
        p.join()
    expected = 2 * (ops + ops // 10)
    if value.value != expected:
        raise AssertionError(f"lost updates: {value.value} != {expected}")
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return 2 * ops / (elapsed / 1e9)


def main(argv):
    options = dict(a[2:].partition("=")[::2] for a in argv if a.startswith("--"))
    rounds = int(options.get("rounds", 5))
    ops = int(options.get("ops", 200_000))
    samples = [measure(ops) for _ in range(rounds)]
    print("series", "value-increment-ops-per-s", *(round(s) for s in samples), flush=True)
    print(f"CPython {sys.version.split()[0]} Value('i') += 1 under get_lock(), 2 processes: median "
          f"{statistics.median(samples):,.0f} ops/s, max {max(samples):,.0f} ops/s over {rounds} x 2 x {ops}",
          file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
