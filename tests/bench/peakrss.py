#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run a command and report its wall time and peak resident memory.

Usage: peakrss.py OUTFILE COMMAND [ARGS...]
stdin/stdout/stderr pass through. OUTFILE gets one line
"peak_kib wall_s cpu_s": the last VmHWM (the kernel's high-water mark of resident
memory since exec) read from /proc/PID/status, polled every 10 ms until the
command exits. (wait4's ru_maxrss is not used: it counts the forked Python
before exec.) cpu_s is the command's user + system time. Exits with the command's exit code
(128 + N when a signal N ended it)."""
import os
import subprocess
import sys
import threading
import time


def vmhwm(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: peakrss.py OUTFILE COMMAND [ARGS...]")
    out, cmd = sys.argv[1], sys.argv[2:]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    peak = [0]
    done = threading.Event()

    def poll():
        while not done.is_set():
            peak[0] = max(peak[0], vmhwm(p.pid))
            done.wait(0.01)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    done.set()
    th.join()
    p.returncode = 0  # reaped by wait4 above
    peak_kib = peak[0]
    with open(out, "w") as f:
        f.write("%d %.2f %.3f\n" % (peak_kib, wall, ru.ru_utime + ru.ru_stime))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
