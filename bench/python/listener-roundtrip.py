"""listener-roundtrip: 16 B send_bytes/recv_bytes echo over TCP loopback with an authkey."""
import multiprocessing
import sys
import time
from multiprocessing.connection import Client, Listener

import benchlib

KEY = b"mp4j-bench-key"


def serve(ports):
    with Listener(("127.0.0.1", 0), backlog=16, authkey=KEY) as listener:
        ports.put(listener.address[1])
        with listener.accept() as c:
            while True:
                b = c.recv_bytes()
                if not b:
                    break
                c.send_bytes(b)


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    warmup = int(options.get("warmup", 2000))
    size = int(options.get("size", 16))
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        ports = ctx.Queue()
        p = ctx.Process(target=serve, args=(ports,))
        p.start()
        port = ports.get(timeout=60)
        samples = []
        msg = bytes(size)
        with Client(("127.0.0.1", port), authkey=KEY) as c:
            for i in range(-warmup, n):
                t0 = time.monotonic_ns()
                c.send_bytes(msg)
                back = c.recv_bytes()
                t1 = time.monotonic_ns()
                if len(back) != size:
                    raise RuntimeError(f"echo sent back {len(back)} bytes")
                if i >= 0:
                    samples.append(t1 - t0)
            c.send_bytes(b"")
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"{p} failed")
        ports.close()
        ports.join_thread()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
