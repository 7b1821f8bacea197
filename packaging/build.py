"""`make package`: run PyInstaller on the spec, then (Linux) add the launcher files and pack
a .tar.gz that unpacks and runs. Prints the bundle size and its biggest parts."""
from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"


def folder_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def main() -> int:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
                    str(ROOT / "packaging" / "irgroups.spec")], check=True, cwd=ROOT)
    app = DIST / "irgroups"
    internal = app / "_internal"
    parts = sorted(((folder_size(p) if p.is_dir() else p.stat().st_size, p.name) for p in internal.iterdir()),
                   reverse=True)
    print(f"bundle {app}: {folder_size(app) / 2**20:.0f} MB; biggest parts:")
    for size, name in parts[:12]:
        print(f"    {size / 2**20:8.1f} MB  {name}")
    if platform.system() == "Linux":
        stage = DIST / "linux"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
        shutil.copytree(app, stage / "irgroups", symlinks=True)
        for f in ("irgroups.desktop", "install.sh"):
            shutil.copy2(ROOT / "packaging" / f, stage / f)
        shutil.copy2(ROOT / "resources" / "icons" / "irgroups.svg", stage / "irgroups.svg")
        archive = DIST / f"irgroups-0.1.0-linux-{platform.machine()}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(stage, arcname="irgroups-0.1.0")
        print(f"archive {archive}: {archive.stat().st_size / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
