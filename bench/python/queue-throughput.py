"""queue-throughput: ints through a Queue from 1 and 2 producer processes to the parent; items/s.

Prints series <method>-1 and <method>-2 (one and two producers)."""
import multiprocessing
import sys
import time

import benchlib


def produce(queue, start, n):
    start.wait()
    for i in range(n):
        queue.put(i)
    queue.put(-1)
    queue.close()
    queue.join_thread()


def measure(ctx, producers, rounds, items):
    per = items // producers
    samples = []
    for r in range(-1, rounds):
        queue = ctx.Queue()
        start = ctx.Barrier(producers + 1)
        procs = [ctx.Process(target=produce, args=(queue, start, per)) for _ in range(producers)]
        for p in procs:
            p.start()
        start.wait()
        # steady state: the rate over the second half of the round, as on the Java side
        half = per * producers // 2
        t0 = 0
        got = ended = 0
        while ended < producers:
            if queue.get() < 0:
                ended += 1
            else:
                got += 1
                if got == half:
                    t0 = time.monotonic_ns()
        t1 = time.monotonic_ns()
        for p in procs:
            p.join()
            if p.exitcode != 0:
                raise RuntimeError(f"{p} failed")
        if got != per * producers:
            raise RuntimeError(f"got {got} items")
        queue.close()
        queue.join_thread()
        if r >= 0:
            samples.append(round((got - half) * 1e9 / (t1 - t0)))
    return samples


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    items = int(options.get("items", 100000))
    for method, rounds in runs.items():
        ctx = multiprocessing.get_context(method)
        for producers in (1, 2):
            benchlib.emit(f"{method}-{producers}", measure(ctx, producers, rounds, items))
    benchlib.finish()


if __name__ == "__main__":
    main()
