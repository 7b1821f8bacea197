"""The shape of the code: core/ never imports Qt, its packages import one way, nothing imports in
a circle, every package says what it holds, and no file grows past 400 lines.

The module graph is built from the source with `ast` (every import, also those inside functions),
so a rule names the file and line of the import that breaks it."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("core", "irgroups_gui")
# core's packages in layer order: each may import only itself and the packages before it
LAYERS = ("spectra", "readers", "data", "artifacts", "metrics", "nn", "predict", "explain", "library", "evaluation", "cli")
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    return sorted(p for top in TOP for p in (ROOT / top).rglob("*.py"))


def imports(path: Path, known: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import of a project module in a file. `from pkg import x`
    counts as an import of pkg.x where that is a module, else of pkg."""
    mod = module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] in TOP]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] not in TOP:
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.append((sub if sub in known else target, node.lineno))
    return out


def graph() -> dict[str, list[tuple[str, int, Path]]]:
    files = source_files()
    known = {module_name(p) for p in files}
    return {module_name(p): [(t, line, p) for t, line in imports(p, known) if t in known and t != module_name(p)]
            for p in files}


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 else None


def test_core_has_only_packages_at_its_top():
    loose = [p.name for p in (ROOT / "core").glob("*.py") if p.name != "__init__.py"]
    assert loose == [], f"modules at the top of core/ (belong in a package): {loose}"
    packages = sorted(p.name for p in (ROOT / "core").iterdir() if (p / "__init__.py").exists())
    assert set(packages) == set(LAYERS), f"core's packages {packages} differ from the layers {LAYERS}"


def test_packages_import_one_way():
    bad = []
    for mod, deps in graph().items():
        own = layer(mod)
        for target, line, path in deps:
            if target == "core" or not target.startswith("core"):
                continue
            if mod.startswith("core") and layer(target) and own and LAYERS.index(layer(target)) > LAYERS.index(own):
                bad.append(f"{where(path, line)}: {own} imports {target} (a later layer)")
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


def test_core_never_imports_the_app_and_cli_is_imported_by_nothing_in_core():
    bad = []
    for mod, deps in graph().items():
        if not mod.startswith("core"):
            continue
        for target, line, path in deps:
            if target.startswith("irgroups_gui"):
                bad.append(f"{where(path, line)}: core imports the app ({target})")
            if layer(target) == "cli" and layer(mod) != "cli":
                bad.append(f"{where(path, line)}: {mod} imports the command line ({target})")
    assert not bad, "\n".join(bad)


def strongly_connected(g: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in g:
        if root in index:
            continue
        work = [(root, iter(g[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(g[w])))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
    return out


def test_no_import_circles():
    full = graph()
    g = {m: sorted({t for t, _, _ in deps}) for m, deps in full.items()}
    circles = [sorted(c) for c in strongly_connected(g) if len(c) > 1]
    lines = []
    for c in circles:
        members = set(c)
        lines.append("circle: " + " <-> ".join(c))
        lines += [f"    {where(p, line)}: {m} imports {t}" for m in c for t, line, p in full[m] if t in members]
    assert not circles, "\n".join(lines)


def test_the_circle_check_finds_a_circle():
    g = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}
    assert sorted(map(sorted, (c for c in strongly_connected(g) if len(c) > 1))) == [["a", "b", "c"]]


def test_no_file_over_400_lines():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in source_files()
            if (n := len(p.read_text().splitlines())) > MAX_LINES]
    assert not long, f"files over {MAX_LINES} lines:\n" + "\n".join(long)


def listed_modules(doc: str) -> dict[str, list[str]]:
    """`- `module`: Name, Name. What it holds.` items of a package docstring -> {module: names}."""
    out = {}
    for item in re.split(r"\n- ", "\n" + doc)[1:]:
        m = re.match(r"`(\w+)`: (.*?)\.(?:\s|$)", " ".join(item.split()))
        if m:
            out[m.group(1)] = [n.strip() for n in m.group(2).split(",")]
    return out


@pytest.mark.parametrize("package", LAYERS)
def test_each_package_lists_its_modules_and_public_names(package):
    import importlib

    pkg = importlib.import_module(f"core.{package}")
    doc = pkg.__doc__ or ""
    assert len(doc.split()) >= 20, f"core/{package}/__init__.py needs a docstring saying what it holds"
    listed = listed_modules(doc)
    present = {p.stem for p in (ROOT / "core" / package).glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert set(listed) == present, f"core.{package}: docstring lists {sorted(listed)}, package has {sorted(present)}"
    for mod, names in listed.items():
        module = importlib.import_module(f"core.{package}.{mod}")
        missing = [n for n in names if not hasattr(module, n)]
        assert not missing, f"core.{package}.{mod} has no {missing} (listed in the package docstring)"


def test_core_never_imports_qt():
    modules = sorted(module_name(p) for p in (ROOT / "core").rglob("*.py") if p.name != "__main__.py")
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph')]\n"
            + "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert len(modules) >= 40
    assert out.stdout.strip() == "", f"core imports Qt: {out.stdout}"
