"""core/ is the engine: importing every module of it must not load Qt."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_never_imports_qt():
    modules = sorted(p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__init__")
    code = ("import sys\n" + "".join(f"import core.{m}\n" for m in modules)
            + "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph')]\n"
            + "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert len(modules) >= 15
    assert out.stdout.strip() == "", f"core imports Qt: {out.stdout}"
