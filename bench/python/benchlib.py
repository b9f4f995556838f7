"""Helpers for the CPython side of ``./mp4j bench`` (see bench/README.md).

A workload script is run as ``python3 <name>.py method=N ... [--dir=DIR]`` and prints one line
per figure, ``series <name> <value> <value> ...`` (integers: nanoseconds or bytes), which the Java
runner summarises exactly as it summarises the Java samples. Everything else goes to stderr.

Before it exits a script calls ``finish()``, which stops the forkserver and the resource tracker
(the helper processes multiprocessing starts on its own) and checks that no child is left.
"""
import multiprocessing
import os
import sys
import time

#: Runs that are not counted: the first start of a method starts helpers (forkserver, resource tracker).
WARMUP_RUNS = 2
#: A process counts as idle when, for this many 10 ms windows in a row, its threads used
#: (ran or waited to run) at most QUIET_BUDGET_NS each: the same rule as the Java side (ProcFs).
QUIET_WINDOWS = 3
QUIET_WINDOW_S = 0.010
QUIET_BUDGET_NS = 200_000


def parse_args(argv):
    """Returns ({method: runs}, {option: value}) from ``method=N`` and ``--option=value`` arguments."""
    runs, options = {}, {}
    for arg in argv:
        if arg.startswith("--"):
            key, _, value = arg[2:].partition("=")
            options[key] = value
        else:
            method, _, n = arg.partition("=")
            runs[method] = int(n)
    return runs, options


def emit(name, values):
    """Prints one series for the Java runner."""
    print("series", name, *(int(v) for v in values), flush=True)


def wait_for_file(path, process, timeout_s=60):
    """Waits until ``path`` exists; fails when ``process`` ended first or the timeout passed."""
    deadline = time.monotonic() + timeout_s
    while not os.path.exists(path):
        if process.exitcode is not None:
            raise RuntimeError(f"{process} ended before its target ran")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{process} did not create {path} within {timeout_s} s")
        time.sleep(0.001)


def cpu_demand_ns(pid):
    """Nanoseconds the process's threads ran on a CPU plus waited for one (schedstat fields 1, 2)."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return 0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait = f.read().split()[:2]
            total += int(run) + int(wait)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def wait_until_quiet(pid, timeout_s=5):
    """Waits until the process has wanted no CPU for QUIET_WINDOWS windows; True if it did in time."""
    deadline = time.monotonic() + timeout_s
    in_a_row = 0
    before = cpu_demand_ns(pid)
    while time.monotonic() < deadline:
        time.sleep(QUIET_WINDOW_S)
        after = cpu_demand_ns(pid)
        in_a_row = in_a_row + 1 if after - before <= QUIET_BUDGET_NS else 0
        if in_a_row >= QUIET_WINDOWS:
            return True
        before = after
    return False


def vm_rss_bytes(pid):
    """VmRSS of a process, in bytes (/proc/<pid>/status, kB)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS in /proc/{pid}/status")


def _children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # proc(5): "pid (comm) state ppid ..."; comm may contain spaces and parentheses
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def finish():
    """Ends the helper processes multiprocessing started and fails if any child is left."""
    for child in multiprocessing.active_children():
        child.terminate()
        child.join()
    from multiprocessing import forkserver, resource_tracker
    # private, but the only way to end these helpers before the interpreter exits (CPython's own
    # tests use them); without them they end a moment after this process, unseen by the runner
    for helper in (getattr(forkserver, "_forkserver", None), getattr(resource_tracker, "_resource_tracker", None)):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            stop()
    left = _children(os.getpid())
    if left:
        for pid in left:
            os.kill(pid, 9)
        sys.exit(f"{sys.argv[0]}: processes {left} were still running at the end; killed them")
