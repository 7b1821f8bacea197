"""`irgroups library build|info` and `irgroups search`: reference libraries and similarity search."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

SMILES_WIDTH = 50


def add_parser(sub) -> None:
    """Register `library` (build, info) and `search` on the top-level subparsers."""
    lib = sub.add_parser("library", help="build reference libraries for similarity search")
    actions = lib.add_subparsers(dest="action", required=True)
    b = actions.add_parser("build", help="spectra (folders/zips) + structures CSVs, or dataset .h5 -> library")
    b.add_argument("spectra", nargs="+", help="spectra folders, zips or files, or dataset .h5 files")
    b.add_argument("--structures", action="append", default=[],
                   help="CSV with file and inchi or smiles columns (repeat for several; tables are merged)")
    b.add_argument("--out", required=True, help="library file to write (.h5)")
    b.add_argument("--no-formula-check", action="store_true", help="skip the ##MOLFORM cross-check")
    b.set_defaults(func=cmd_library_build)
    i = actions.add_parser("info", help="what a library holds")
    i.add_argument("library")
    i.set_defaults(func=cmd_library_info)

    s = sub.add_parser("search", help="nearest reference spectra, their groups, novelty")
    s.add_argument("files", nargs="+", help="spectrum files or folders")
    s.add_argument("--library", required=True, help="library file from `irgroups library build`")
    s.add_argument("--top", type=int, default=5, help="hits per query (default 5)")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.add_argument("--compare", action="store_true",
                   help="also run the network and say where it and the k-NN vote disagree")
    s.add_argument("--model", help="model folder for --compare (default: the bundled model)")
    s.set_defaults(func=cmd_search)


def _load(path: str):
    from core.cli.common import CLIError
    from core.library.store import LibraryError, load_library

    try:
        return load_library(path)
    except LibraryError as exc:
        raise CLIError(str(exc)) from None


def cmd_library_build(args) -> int:
    from core.cli.common import CLIError, ProgressLine
    from core.data.dataset import DatasetError
    from core.library.store import LibraryError, build_library, save_library

    bar = ProgressLine("reading")
    t0 = time.perf_counter()
    try:
        lib, report = build_library(args.spectra, args.structures, check_formula=not args.no_formula_check,
                                    progress=lambda d, t, n: bar.update(d, t, Path(n).name))
        bar.close()
        save_library(lib, args.out)
    except (LibraryError, DatasetError) as exc:
        raise CLIError(str(exc)) from None
    print(report.summary())
    print("phases: " + ", ".join(f"{p} {n}" for p, n in lib.phase_counts().items()))
    print(f"wrote {args.out}: {len(lib)} reference spectra in {time.perf_counter() - t0:.1f} s "
          f"(content hash {lib.content_hash[:12]})")
    return 0


def cmd_library_info(args) -> int:
    lib = _load(args.library)
    prov = lib.provenance
    print(f"{args.library}: {len(lib)} reference spectra on {lib.grid.start:.0f}-{lib.grid.stop:.0f} cm-1 "
          f"({lib.grid.n} points)")
    print("phases: " + ", ".join(f"{p} {n}" for p, n in lib.phase_counts().items()))
    print(f"sources: {', '.join(prov.get('sources', []))}; created {prov.get('created', '?')} by "
          f"{prov.get('software', '?')}")
    return 0


def _second_opinion(files: list[str], matches, model: str | None) -> list[dict]:
    """Per match: the network's groups and where they disagree with the k-NN vote ({} if either failed)."""
    from core.predict.classify import classify_files
    from core.cli.common import load_model
    from core.library.search import disagreements

    bundle = load_model(model)
    out = []
    for m, p in zip(matches, classify_files(files, bundle)):
        if not (m.ok and p.ok):
            out.append({})
            continue
        present = {n: bool(f) for n, f in zip(bundle.group_names, p.present)}
        out.append({"network_groups": [n for n, f in present.items() if f],
                    "disagreements": [{"group": g, "network": a, "references": b}
                                      for g, a, b in disagreements(m.vote, present)]})
    return out


def _table(matches, k: int, opinions: list[dict]) -> None:
    for m, o in zip(matches, opinions):
        if not m.ok:
            print(f"{m.source}: error: {m.error}")
            continue
        print(f"{m.source}:")
        print(f"  {'rank':>4s} {'score':>6s}  {'name':30s} {'cas':12s} {'phase':8s} {'file':16s} groups | structure")
        for h in m.hits:
            smiles = h.smiles if len(h.smiles) <= SMILES_WIDTH else h.smiles[:SMILES_WIDTH - 1] + "…"
            print(f"  {h.rank:4d} {h.score:6.3f}  {h.name[:30]:30s} {h.cas:12s} {h.phase:8s} {h.file[:16]:16s} "
                  f"{', '.join(h.groups) or '-'} | {smiles}")
        print(f"  k-NN groups (similarity-weighted vote of the {k} nearest): "
              f"{', '.join(m.vote_groups) or '(none)'}")
        if o:
            print(f"  network groups: {', '.join(o['network_groups']) or '(none)'}")
            for d in o["disagreements"]:
                print(f"  disagree on {d['group']}: network {'yes' if d['network'] else 'no'}, "
                      f"references {'yes' if d['references'] else 'no'}")
        for w in m.warnings:
            print(f"  caution: {w}")


def cmd_search(args) -> int:
    from core.cli.common import CLIError
    from core.readers.io import expand_paths
    from core.library.search import VOTE_K, search_files

    if args.top < 1:
        raise CLIError("--top must be at least 1")
    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    lib = _load(args.library)
    matches = search_files(files, lib, top=args.top, k=VOTE_K)
    opinions = _second_opinion(files, matches, args.model) if args.compare else [{}] * len(matches)
    if args.format == "json":
        print(json.dumps([m.to_dict() | o for m, o in zip(matches, opinions)], indent=1, ensure_ascii=False))
    else:
        _table(matches, VOTE_K, opinions)
    failed = sum(not m.ok for m in matches)
    if failed:
        print(f"{failed} of {len(matches)} files could not be searched", file=sys.stderr)
    return 1 if failed else 0
