"""One file from disk to probabilities (warm process), the full explanation of one spectrum,
and `irgroups predict` on 1,000 files end to end."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, report, timed

from core.nn.bundle import load_bundle
from core.predict.classify import classify_files
from core.explain.evidence import Explainer
from core.data.resources import default_model_path, sample_files


def main() -> None:
    bundle = load_bundle(default_model_path())
    samples = [s for s in sample_files() if "condensed" not in s.name]
    f = str(samples[0])
    for _ in range(20):
        classify_files([f], bundle)
    report(f"one JCAMP file to probabilities ({len(bundle.members)} members)", timed(lambda: classify_files([f], bundle), 300))
    ex = Explainer(bundle)
    x = classify_files([f], bundle)[0].model_input
    for _ in range(20):
        ex.terms(x)
    report("full explanation of one spectrum (17 groups x all members)", timed(lambda: ex.terms(x), 300))

    tmp = Path(tempfile.mkdtemp())
    try:
        for i in range(1000):
            shutil.copy(samples[i % len(samples)], tmp / f"s{i:04d}.jdx")
        exe = Path(sys.executable).parent / "irgroups"
        t0 = time.perf_counter()
        out = subprocess.run([str(exe), "predict", str(tmp), "--format", "csv"], capture_output=True, text=True,
                             cwd=ROOT)
        dt = time.perf_counter() - t0
        rows = out.stdout.strip().count("\n")
        print(f"irgroups predict on 1,000 files: {dt:.2f} s end to end (exit {out.returncode}, {rows} rows)")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
