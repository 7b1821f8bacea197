"""External CPU load for benchmarks: busy processes that end by themselves after a bounded
time (and are killed when the block ends), to measure the app on a machine someone else uses."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"


@contextmanager
def busy_cores(n: int | None = None, seconds: float = 120.0) -> Iterator[list[int]]:
    """n processes (default: one per core) each spinning one core for at most `seconds`."""
    procs = [subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=seconds)])
             for _ in range(n or os.cpu_count() or 2)]
    try:
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.kill()
            p.wait()
