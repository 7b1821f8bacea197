"""`irgroups peaks`: the picked peaks of spectrum files with their correlation-chart assignments,
as a table or CSV."""
from __future__ import annotations

import argparse
import sys

from core.cli.common import EXIT_FAILED, EXIT_OK, CLIError


def _fraction(text: str) -> float:
    v = float(text)
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction between 0 and 1")
    return v


def add_parser(sub) -> None:
    """Register `peaks` on the CLI's subparsers."""
    from core.spectra.peaks import DEFAULT_PROMINENCE

    p = sub.add_parser("peaks", help="picked peaks (wavenumber, intensity, width) and their correlation-chart "
                                     "assignments")
    p.add_argument("files", nargs="+", help="spectrum files or folders")
    p.add_argument("--csv", metavar="OUT", help="write CSV to OUT ('-': standard output) instead of the table")
    p.add_argument("--prominence", type=_fraction, default=DEFAULT_PROMINENCE,
                   help=f"minimum prominence as a fraction of the absorbance range (default {DEFAULT_PROMINENCE})")
    p.set_defaults(func=cmd_peaks)


def peak_tables(files: list[str], prominence: float) -> tuple[list[tuple[str, list]], int]:
    """(label, peak table) for every spectrum of the files, and how many files could not be read;
    each unreadable file is one line on stderr and the others still come out."""
    from core.data.correlation import spectrum_peaks
    from core.readers.io import read_spectra
    from core.spectra.spectrum import SpectrumReadError

    tables, failed = [], 0
    for f in files:
        try:
            spectra = read_spectra(f)
            tables += [(f + (f" #{i + 1}" if len(spectra) > 1 else ""), spectrum_peaks(s, prominence))
                       for i, s in enumerate(spectra)]
        except SpectrumReadError as exc:
            failed += 1
            print(f"{exc.source}: error: {exc.problem}", file=sys.stderr)
    return tables, failed


def _print_table(tables: list[tuple[str, list]]) -> None:
    for label, peaks in tables:
        print(label)
        if not peaks:
            print("    (no peaks)")
            continue
        print(f"    {'cm-1':>7}  {'intensity':>9}  {'width':>6}  assignments")
        for p in peaks:
            print(f"    {p.peak.wavenumber:7.1f}  {p.peak.intensity:9.3f}  {p.peak.width:6.1f}  "
                  f"{'; '.join(p.assignments) or '-'}")


def cmd_peaks(args) -> int:
    from core.data.correlation import write_peaks_csv
    from core.readers.io import expand_paths

    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    tables, failed = peak_tables(files, args.prominence)
    if args.csv == "-":
        write_peaks_csv(sys.stdout, tables)
    elif args.csv:
        try:
            with open(args.csv, "w", newline="", encoding="utf-8") as out:
                n = write_peaks_csv(out, tables)
        except OSError as exc:
            raise CLIError(f"cannot write {args.csv}: {exc.strerror}") from None
        print(f"{n} peaks of {len(tables)} spectra -> {args.csv}", file=sys.stderr)
    else:
        _print_table(tables)
    if failed:
        print(f"{failed} of {len(files)} files could not be read", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
