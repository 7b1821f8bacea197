"""Helpers shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
GAS_ZIP = SHARED / "nist_gas_ir" / "spectra.zip"
GAS_CSV = SHARED / "nist_gas_ir" / "structures.csv"
sys.path.insert(0, str(ROOT))


def need_shared() -> bool:
    if not GAS_ZIP.exists():
        print(f"skipped: NIST data not found at {SHARED}")
        return False
    return True


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def report(label: str, seconds: list[float]) -> None:
    s = sorted(seconds)
    p50 = statistics.median(s) * 1000
    p95 = s[min(len(s) - 1, int(0.95 * len(s)))] * 1000
    print(f"{label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms (n = {len(s)})")
