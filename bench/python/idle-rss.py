"""idle-rss: VmRSS of a child whose target marks that it runs, then sleeps until terminated."""
import multiprocessing
import os
import signal
import sys
import time

import benchlib


def mark_then_sleep(marker):
    open(marker, "w").close()
    while True:
        time.sleep(3600)


def main():
    runs, options = benchlib.parse_args(sys.argv[1:])
    directory = options["dir"]
    for method, n in runs.items():
        ctx = multiprocessing.get_context(method)
        # a first start brings up the forkserver / resource tracker, not measured
        warmup = ctx.Process(target=time.sleep, args=(0,))
        warmup.start()
        warmup.join()
        samples = []
        for i in range(n):
            marker = os.path.join(directory, f"python-{method}-{i}")
            p = ctx.Process(target=mark_then_sleep, args=(marker,))
            p.start()
            try:
                benchlib.wait_for_file(marker, p)
                if not benchlib.wait_until_quiet(p.pid):
                    print(f"idle-rss: CPython {method} child still used CPU; measured anyway", file=sys.stderr)
                samples.append(benchlib.vm_rss_bytes(p.pid))
            finally:
                p.terminate()
                p.join()
            if p.exitcode != -signal.SIGTERM:
                raise RuntimeError(f"terminate() should end {p} with exit code -15")
        benchlib.emit(method, samples)
    benchlib.finish()


if __name__ == "__main__":
    main()
