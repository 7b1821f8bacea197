"""`make package`: run PyInstaller on the spec, then (Linux) strip symbol tables from the
libraries, add the launcher files and pack a .tar.xz that unpacks and runs. Prints the bundle
size, its biggest parts and the archive's size and packing time."""
from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import struct
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
VERSION = "0.1.0"
SHT_SYMTAB = 2
XZ_PRESET = 6


def folder_size(p: Path) -> int:
    """Bytes of the regular files under p (symlinks are not counted twice)."""
    return sum(f.lstat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def size(p: Path) -> int:
    return folder_size(p) if p.is_dir() and not p.is_symlink() else p.lstat().st_size


def print_parts(app: Path, top: int = 12) -> None:
    """The bundle's size and its biggest parts: the folders and files of _internal, and the
    executables (each carries its own copy of the Python archive)."""
    parts = [(size(p), p.name) for p in (app / "_internal").iterdir()]
    parts += [(size(p), f"{p.name} (executable)") for p in app.iterdir() if p.is_file() and not p.is_symlink()]
    print(f"bundle {app}: {folder_size(app) / 2**20:.0f} MB unpacked; biggest parts:")
    for n, name in sorted(parts, reverse=True)[:top]:
        print(f"    {n / 2**20:8.1f} MB  {name}")


def has_symbol_table(f: Path) -> bool:
    """True for a 64-bit little-endian ELF file with a SHT_SYMTAB section (not yet stripped)."""
    with f.open("rb") as h:
        head = h.read(64)
        if len(head) < 64 or head[:4] != b"\x7fELF" or head[4:6] != b"\x02\x01":
            return False
        (shoff,) = struct.unpack_from("<Q", head, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", head, 0x3A)
        h.seek(shoff)
        table = h.read(shentsize * shnum)
    return any(struct.unpack_from("<I", table, i * shentsize + 4)[0] == SHT_SYMTAB
               for i in range(len(table) // max(shentsize, 1)))


def unstripped_libraries(internal: Path) -> list[Path]:
    """ELF libraries under internal that still carry a symbol table, except those in
    auditwheel's `*.libs` folders: patchelf rewrote those, and strip can break such files."""
    return [f for f in sorted(internal.rglob("*")) if f.is_file() and not f.is_symlink()
            and not any(part.endswith(".libs") for part in f.relative_to(internal).parts) and has_symbol_table(f)]


def strip_libraries(internal: Path) -> None:
    """Drop symbol tables (not the dynamic symbols the loader needs); torch's alone is 85 MB."""
    if not shutil.which("strip"):
        print("strip not found (binutils): libraries left unstripped")
        return
    libs = unstripped_libraries(internal)
    before = sum(f.stat().st_size for f in libs)
    for i in range(0, len(libs), 100):
        subprocess.run(["strip", "--strip-unneeded", *map(str, libs[i:i + 100])], check=True)
    after = sum(f.stat().st_size for f in libs)
    print(f"stripped {len(libs)} libraries: {before / 2**20:.0f} MB -> {after / 2**20:.0f} MB")


def pack_linux(app: Path) -> Path:
    stage = DIST / "linux"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    shutil.copytree(app, stage / "irgroups", symlinks=True)
    for f in ("irgroups.desktop", "install.sh"):
        shutil.copy2(ROOT / "packaging" / f, stage / f)
    shutil.copy2(ROOT / "resources" / "icons" / "irgroups.svg", stage / "irgroups.svg")
    archive = DIST / f"irgroups-{VERSION}-linux-{platform.machine()}.tar.xz"
    t0 = time.perf_counter()
    if shutil.which("xz"):  # multi-threaded; python's lzma uses one core
        with archive.open("wb") as out:
            xz = subprocess.Popen(["xz", f"-{XZ_PRESET}", "-T0", "-c"], stdin=subprocess.PIPE, stdout=out)
            with tarfile.open(fileobj=xz.stdin, mode="w|") as tar:
                tar.add(stage, arcname=f"irgroups-{VERSION}")
            xz.stdin.close()
            if xz.wait() != 0:
                raise RuntimeError(f"xz failed writing {archive}")
    else:
        with tarfile.open(archive, "w:xz", preset=XZ_PRESET) as tar:
            tar.add(stage, arcname=f"irgroups-{VERSION}")
    print(f"archive {archive}: {archive.stat().st_size / 2**20:.0f} MB (xz preset {XZ_PRESET}, "
          f"packed in {time.perf_counter() - t0:.0f} s)")
    return archive


def main() -> int:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
                    str(ROOT / "packaging" / "irgroups.spec")], check=True, cwd=ROOT)
    app = DIST / "irgroups"
    if platform.system() == "Linux":
        strip_libraries(app / "_internal")
    print_parts(app)
    if platform.system() == "Linux":
        for old in DIST.glob(f"irgroups-{VERSION}-linux-*.tar.*"):
            old.unlink()
        pack_linux(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
