"""The installer: build the PyInstaller bundle and its Linux archive, unpack the archive in an
empty folder and run the app's headless self-check and the command line from there (predict;
train, evaluate with an SVG reliability diagram, and predict with the trained model), with an
empty environment. Slow (several minutes): run by `make package-test`, not by `make test`."""
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def _run(exe: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"} | ({"HOME": str(home)} if home else {})
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=600, env=env)


def _check(app: Path, work: Path) -> None:
    gui = app / ("irgroups-gui.exe" if sys.platform == "win32" else "irgroups-gui")
    out = _run(gui, "--self-test")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test: 8/8 samples classified with 10 members" in out.stdout
    assert "self-test: training child process ok (torch" in out.stdout
    assert "Acetonitrile: " in out.stdout and "nitriles" in out.stdout
    sample = str(ROOT / "resources" / "samples" / "75-05-8.jdx")
    cli = _run(app / "irgroups", "predict", sample)
    assert cli.returncode == 0 and "nitriles" in cli.stdout, cli.stdout + cli.stderr
    _check_training(app / "irgroups", work, sample)


def _check_training(cli: Path, work: Path, sample: str) -> None:
    """Training in the bundle: torch's optimiser and autograd, the phase logistic regression,
    calibration, the metrics and a matplotlib SVG (imported by name, which PyInstaller cannot see)."""
    from dataclasses import replace

    from conftest import synthetic_dataset
    from core.data.dataset import save_dataset

    ds = synthetic_dataset(160, seed=3)
    ds = replace(ds, phases=["gas" if i % 2 else "mull" for i in range(len(ds))],
                 states=["" if i % 2 else "SOLID (NUJOL MULL)" for i in range(len(ds))], valid=None)
    save_dataset(ds, work / "ds.h5")
    model = work / "model"
    steps = [("train", str(work / "ds.h5"), "--out", str(model), "--epochs", "2", "--threads", "1"),
             ("evaluate", str(work / "ds.h5"), "--model", str(model), "--reliability", str(work / "rel.svg")),
             ("predict", sample, "--model", str(model))]
    for args in steps:
        out = _run(cli, *args, home=work)
        assert out.returncode == 0, f"{args[0]}: {out.stdout}{out.stderr}"
    assert (model / "model.json").exists() and (work / "rel.svg").read_text().lstrip().startswith("<?xml")
    assert json.loads((model / "model.json").read_text())["phase_inference"]["coef"]  # fitted in the bundle


@pytest.mark.slow
def test_bundle_builds_and_its_unpacked_archive_passes_the_self_test(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    work = tmp_path / "work"
    work.mkdir()
    if not sys.platform.startswith("linux"):
        _check(ROOT / "dist" / "irgroups", work)
        return
    (archive,) = (ROOT / "dist").glob("irgroups-*-linux-*.tar.xz")
    assert archive.stat().st_size <= 300 * MB, f"archive {archive.stat().st_size / MB:.0f} MB"
    unpacked_to = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked_to, filter="tar")
    (top,) = unpacked_to.iterdir()
    unpacked = sum(f.lstat().st_size for f in top.rglob("*") if f.is_file() and not f.is_symlink())
    assert unpacked <= 800 * MB, f"unpacked {unpacked / MB:.0f} MB"
    assert (top / "install.sh").exists() and (top / "irgroups.desktop").exists()
    _check(top / "irgroups", work)
