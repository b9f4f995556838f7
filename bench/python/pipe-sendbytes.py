"""pipe-sendbytes: 1 KiB send_bytes one way to a child that counts them; messages/s per round."""
import multiprocessing
import sys
import time

import benchlib


def count(data, acks):
    n = 0
    buf = bytearray(4096)
    while True:
        size = data.recv_bytes_into(buf)
        if size == 0:
            acks.send(n)
            n = 0
        elif size == 1:
            break
        else:
            n += 1
    data.close()
    acks.close()


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    messages = int(options.get("messages", 50000))
    size = int(options.get("size", 1024))
    for method, rounds in runs.items():
        ctx = multiprocessing.get_context(method)
        data_r, data_w = ctx.Pipe(duplex=False)
        acks_r, acks_w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=count, args=(data_r, acks_w))
        p.start()
        msg = bytes(size)
        samples = []
        for r in range(-1, rounds):
            t0 = time.monotonic_ns()
            for _ in range(messages):
                data_w.send_bytes(msg)
            data_w.send_bytes(b"")
            n = acks_r.recv()
            t1 = time.monotonic_ns()
            if n != messages:
                raise RuntimeError(f"the child counted {n} messages, not {messages}")
            if r >= 0:
                samples.append(round(messages * 1e9 / (t1 - t0)))
        data_w.send_bytes(b"x")
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"{p} failed")
        for c in (data_r, data_w, acks_r, acks_w):
            c.close()
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
