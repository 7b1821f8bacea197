"""The installer: build the PyInstaller bundle and its Linux archive, unpack the archive in an
empty folder and run the app's headless self-check and the command line from there, with an
empty environment. Slow (several minutes): run by `make package-test`, not by `make test`."""
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def _run(exe: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})


def _check(app: Path) -> None:
    gui = app / ("irgroups-gui.exe" if sys.platform == "win32" else "irgroups-gui")
    out = _run(gui, "--self-test")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test: 10/10 samples classified with 10 members" in out.stdout
    assert "Acetonitrile: " in out.stdout and "nitriles" in out.stdout
    cli = _run(app / "irgroups", "predict", str(ROOT / "resources" / "samples" / "75-05-8.jdx"))
    assert cli.returncode == 0 and "nitriles" in cli.stdout, cli.stdout + cli.stderr


@pytest.mark.slow
def test_bundle_builds_and_its_unpacked_archive_passes_the_self_test(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    if not sys.platform.startswith("linux"):
        _check(ROOT / "dist" / "irgroups")
        return
    (archive,) = (ROOT / "dist").glob("irgroups-*-linux-*.tar.xz")
    assert archive.stat().st_size <= 300 * MB, f"archive {archive.stat().st_size / MB:.0f} MB"
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="tar")
    (top,) = tmp_path.iterdir()
    unpacked = sum(f.lstat().st_size for f in top.rglob("*") if f.is_file() and not f.is_symlink())
    assert unpacked <= 800 * MB, f"unpacked {unpacked / MB:.0f} MB"
    assert (top / "install.sh").exists() and (top / "irgroups.desktop").exists()
    _check(top / "irgroups")
