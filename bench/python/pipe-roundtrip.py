"""pipe-roundtrip: send a 3-int list to a child that sends it back; one sample per round trip."""
import multiprocessing
import sys
import time

import benchlib


def echo(conn):
    while True:
        o = conn.recv()
        if o is None:
            break
        conn.send(o)
    conn.close()


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    warmup = int(options.get("warmup", 2000))
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        a, b = ctx.Pipe()
        p = ctx.Process(target=echo, args=(b,))
        p.start()
        obj = [1, 2, 3]
        samples = []
        for i in range(-warmup, n):
            t0 = time.monotonic_ns()
            a.send(obj)
            back = a.recv()
            t1 = time.monotonic_ns()
            if back != obj:
                raise RuntimeError(f"echo sent back {back}")
            if i >= 0:
                samples.append(t1 - t0)
        a.send(None)
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"{p} failed")
        a.close()
        b.close()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
