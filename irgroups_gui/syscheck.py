"""Before the window opens on Linux: are the system libraries Qt's display plugin needs there?

Without them Qt stops with "Could not load the Qt platform plugin 'xcb'", which names no
library. This check runs `ldd` on the plugin the app will use and names the missing libraries
and the Debian/Ubuntu packages that provide them. `make run` calls it first:
`python -m irgroups_gui.syscheck` exits 1 with that message, 0 when nothing is missing.
Importing this module loads no Qt library.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# soname -> Debian/Ubuntu package (the README lists the same packages)
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
NO_WINDOW = {"offscreen", "minimal", "vnc", "linuxfb", "eglfs"}  # platforms that need no display server


def platform_plugin(env: Mapping[str, str]) -> str | None:
    """'xcb' or 'wayland': the display plugin Qt will load, or None when no window is shown."""
    requested = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip().lower()
    if requested in NO_WINDOW:
        return None
    if requested.startswith("wayland") or (not requested and env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY")):
        return "wayland" if env.get("WAYLAND_DISPLAY") else None
    return "xcb" if env.get("DISPLAY") else None


def plugin_file(plugin: str) -> Path | None:
    """Qt's platform plugin library inside the installed PySide6 (found without importing it)."""
    spec = importlib.util.find_spec("PySide6")
    for root in (spec.submodule_search_locations or []) if spec else []:
        f = Path(root) / "Qt" / "plugins" / "platforms" / f"libq{plugin}.so"
        if f.exists():
            return f
    return None


def run_ldd(path: Path) -> str:
    """ldd's report of every library `path` needs, directly or through other libraries."""
    return subprocess.run(["ldd", str(path)], capture_output=True, text=True, timeout=30).stdout


def missing_libraries(path: Path, ldd: Callable[[Path], str] = run_ldd) -> list[str]:
    """Sonames ldd reports as 'not found' for `path`, each once, in ldd's order."""
    found = (line.split("=>")[0].strip() for line in ldd(path).splitlines() if "=> not found" in line)
    return list(dict.fromkeys(found))


def message(plugin: str, missing: list[str]) -> str:
    """What to tell the user: the missing libraries and the command that installs them."""
    packages = " ".join(dict.fromkeys(PACKAGES.get(s, s) for s in missing))
    libs = "\n".join(f"  {s}" + (f"  (package {PACKAGES[s]})" if s in PACKAGES else "") for s in missing)
    return (f"IR Groups cannot open its window: Qt's '{plugin}' display plugin needs system libraries "
            f"that are not installed:\n{libs}\nOn Debian/Ubuntu: sudo apt-get install {packages}\n"
            f"(Other distributions: install the packages that provide these files. "
            f"Headless use needs none of them: irgroups ... or QT_QPA_PLATFORM=offscreen.)")


def check(env: Mapping[str, str] = os.environ, ldd: Callable[[Path], str] = run_ldd) -> str | None:
    """The message naming missing libraries, or None when the app can open its window (or
    shows none, or this is not Linux, or ldd is unavailable so nothing can be said)."""
    plugin = platform_plugin(env) if sys.platform.startswith("linux") else None
    if plugin is None or (ldd is run_ldd and shutil.which("ldd") is None):
        return None
    path = plugin_file(plugin)
    if path is None:
        return f"IR Groups cannot open its window: Qt's '{plugin}' plugin is not in the installed PySide6."
    missing = missing_libraries(path, ldd)
    return message(plugin, missing) if missing else None


def main() -> int:
    problem = check()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
