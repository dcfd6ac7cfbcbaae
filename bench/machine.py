"""How much of the machine other work took while the benchmark measured (Linux).

Requests per second depend on every core being free for the server and wrk; a test
suite running beside the benchmark lowers them, unevenly. This tells when that happened.
"""

import os
import resource
import time
from pathlib import Path


def _busy_seconds():
    """CPU time all processes have used since boot, over every core."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_seconds():
    """CPU time of this process and of the children it has waited for (wrk)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


class CpuWatch:
    """Started before the measurements, read after: the share of the machine others used."""

    def __init__(self, served):
        self.served = served
        try:
            self.start = (
                time.monotonic(),
                _busy_seconds(),
                _own_seconds(),
                served.cpu_seconds(),
            )
        except OSError:
            self.start = None

    def others_share(self):
        """Other processes' CPU as a share of all cores' time since the start, or None."""
        if self.start is None or self.start[3] is None:
            return None
        began, busy, own, server = self.start
        elapsed = time.monotonic() - began
        others = (_busy_seconds() - busy) - (_own_seconds() - own) - (self.served.cpu_seconds() - server)
        return max(0.0, others) / (elapsed * (os.cpu_count() or 1))
