"""`irgroups info` (what is in spectrum files, and whether the model may read each spectrum)
and `irgroups convert` (binary instrument files to JCAMP-DX 5.01 or CSV)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from core.readers.io import expand_paths, read_spectra
from core.spectra.spectrum import Spectrum, SpectrumReadError

INFO_FIELDS = ("file", "index", "format", "title", "npoints", "x_first", "x_last", "x_units", "y_units",
               "y_min", "y_max", "decision", "reason")
_WRITERS = {"jcamp": ".jdx", "csv": ".csv"}


def add_parser(sub) -> None:
    """Register `info` and `convert` on the CLI's subparsers."""
    i = sub.add_parser("info", help="what each spectrum file holds, and whether the model can read it")
    i.add_argument("files", nargs="+", help="spectrum files or folders")
    i.add_argument("--format", choices=["table", "json"], default="table")
    i.set_defaults(func=cmd_info)
    c = sub.add_parser("convert", help="spectrum files (any readable format) to JCAMP-DX 5.01 or CSV")
    c.add_argument("files", nargs="+", help="spectrum files or folders")
    c.add_argument("--to", choices=sorted(_WRITERS), required=True)
    c.add_argument("--out", required=True, help="folder for the converted files")
    c.set_defaults(func=cmd_convert)


def _finite(v) -> float | None:
    v = float(v)
    return round(v, 6) if v == v and abs(v) != float("inf") else None


def spectrum_record(s: Spectrum, path: str, index: int) -> dict:
    """One `info` record for a spectrum that was read."""
    from core.spectra.validity import assess

    d = assess(s)
    y = s.y[s.y == s.y] if s.y.size else s.y
    return {"file": path, "index": index, "format": s.format, "title": s.title, "npoints": int(s.x.size),
            "x_first": _finite(s.x[0]) if s.x.size else None, "x_last": _finite(s.x[-1]) if s.x.size else None,
            "x_units": s.x_units, "y_units": s.y_units,
            "y_min": _finite(y.min()) if y.size else None, "y_max": _finite(y.max()) if y.size else None,
            "decision": d.decision, "reason": d.summary}


def file_records(path: str) -> list[dict]:
    """`info` records for every spectrum in a file; one refusal record if it cannot be read."""
    from core.readers.registry import detect

    try:
        spectra = read_spectra(path)
    except SpectrumReadError as exc:
        try:
            fmt = detect(Path(path).read_bytes()[:65536], path)
        except OSError:
            fmt = None
        return [dict.fromkeys(INFO_FIELDS) | {"file": path, "index": 0, "format": fmt.name if fmt else "",
                                              "decision": "refuse", "reason": exc.problem}]
    return [spectrum_record(s, path, i) for i, s in enumerate(spectra)]


def _cell(v) -> str:
    if v is None:
        return "-"
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def cmd_info(args) -> int:
    from core.cli.common import CLIError, EXIT_FAILED, EXIT_OK

    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    records = [r for f in files for r in file_records(f)]
    if args.format == "json":
        print(json.dumps(records, indent=1, ensure_ascii=False))
    else:
        cols = ("file", "index", "format", "npoints", "x_first", "x_last", "x_units", "y_units", "y_min",
                "y_max", "decision")
        rows = [[_cell(r[c]) for c in cols] for r in records]
        widths = [max(len(c), *(len(row[k]) for row in rows)) for k, c in enumerate(cols)]
        print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
        for r, row in zip(records, rows):
            print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
            if r["reason"]:
                print(f"    {r['reason']}")
    unread = sum(r["npoints"] is None for r in records)
    return EXIT_FAILED if unread else EXIT_OK


def _write(s: Spectrum, to: str) -> str:
    if to == "jcamp":
        from core.readers.jcamp import write_jcamp
        return write_jcamp(s)
    from core.readers.text import write_csv
    return write_csv(s)


def cmd_convert(args) -> int:
    from core.cli.common import CLIError, EXIT_FAILED, EXIT_OK

    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for f in files:
        try:
            spectra = read_spectra(f)
            for i, s in enumerate(spectra):
                stem = Path(f).stem + (f"_{i + 1}" if len(spectra) > 1 else "")
                target = out / (stem + _WRITERS[args.to])
                try:
                    target.write_text(_write(s, args.to), encoding="utf-8")
                except OSError as exc:
                    raise CLIError(f"cannot write {target}: {exc.strerror}") from None
                print(f"{f}{f' #{i + 1}' if len(spectra) > 1 else ''} -> {target}")
        except SpectrumReadError as exc:
            failed += 1
            print(f"{exc.source}: error: {exc.problem}", file=sys.stderr)
    if failed:
        print(f"{failed} of {len(files)} files could not be converted", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
