"""Start-up to a visible window and to a loaded model, for the installed app (.venv) and the
PyInstaller bundle (dist/irgroups, after `make package`), and the bundle's size."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT


def startup(cmd: list[str], runs: int = 3) -> tuple[float, float]:
    """Median seconds from launch to 'window visible' and to 'model ready'."""
    import statistics

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    shown, ready = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd + ["--exit-when-ready"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, env=env)
        for line in p.stdout:
            if line.startswith("window visible"):
                shown.append(time.perf_counter() - t0)
            elif line.startswith("model ready"):
                ready.append(time.perf_counter() - t0)
        p.wait(timeout=120)
        if p.returncode != 0 or not shown or not ready:
            raise RuntimeError(f"{cmd[0]} exited {p.returncode} before the window and model were ready")
    return statistics.median(shown), statistics.median(ready)


def size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20


def main() -> None:
    venv_gui = Path(sys.executable).parent / "irgroups-gui"
    shown, ready = startup([str(venv_gui)])
    print(f"app from .venv: window visible after {shown:.2f} s, default model loaded after {ready:.2f} s")
    bundle = ROOT / "dist" / "irgroups"
    if not (bundle / "irgroups-gui").exists():
        print("bundle: not built (run `make package` first)")
        return
    shown, ready = startup([str(bundle / "irgroups-gui")])
    print(f"bundled app: window visible after {shown:.2f} s, default model loaded after {ready:.2f} s")
    print(f"bundle size: {size_mb(bundle):.0f} MB unpacked")
    for archive in sorted((ROOT / "dist").glob("irgroups-*.tar.*")):
        print(f"archive {archive.name}: {archive.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
