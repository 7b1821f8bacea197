"""The installer: build the PyInstaller bundle and run its headless self-check.
Slow (several minutes): run by `make package-test`, not by `make test`."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bundle_builds_and_passes_its_self_test():
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    app = ROOT / "dist" / "irgroups"
    gui = app / ("irgroups-gui.exe" if sys.platform == "win32" else "irgroups-gui")
    out = subprocess.run([str(gui), "--self-test"], capture_output=True, text=True, timeout=300,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test: 10/10 samples classified with 10 members" in out.stdout
    assert "Acetonitrile: " in out.stdout and "nitriles" in out.stdout
    cli = subprocess.run([str(app / "irgroups"), "predict", str(ROOT / "resources" / "samples" / "75-05-8.jdx")],
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0 and "nitriles" in cli.stdout
