"""`irgroups correct`: spectra with the lab-artifact corrections applied, written as JCAMP-DX
(absorbance over wavenumber, on each spectrum's own points), each correction recorded in the
file and printed."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from core.cli.common import EXIT_FAILED, EXIT_OK, CLIError, add_processing_arguments, processing_from


def add_parser(sub) -> None:
    from core.spectra.phase import PHASES

    c = sub.add_parser("correct", help="water-vapour/CO2 compensation, ATR and baseline correction -> JCAMP-DX")
    c.add_argument("files", nargs="+", help="spectrum files or folders")
    c.add_argument("--out", required=True, help="folder for the corrected files")
    c.add_argument("--phase", default="auto", choices=["auto", *PHASES],
                   help="sample phase (default: the file's ##STATE); atr makes --atr auto correct it")
    add_processing_arguments(c)
    c.set_defaults(func=cmd_correct)


def cmd_correct(args) -> int:
    from core.artifacts.processing import CORRECTED_KEY, apply
    from core.predict.classify import refusal, resolve_phase
    from core.readers.io import expand_paths, read_spectra
    from core.readers.jcamp import write_jcamp
    from core.spectra.preprocess import standardise
    from core.spectra.spectrum import SpectrumReadError
    from core.spectra.validity import model_view

    processing = processing_from(args)
    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CLIError(f"cannot create {out}: {exc.strerror}") from None
    failed = 0
    for f in files:
        try:
            spectra = read_spectra(f)
        except SpectrumReadError as exc:
            failed += 1
            print(f"{exc.source}: error: {exc.problem}", file=sys.stderr)
            continue
        for i, s in enumerate(spectra):
            label = f"{f}{f' #{i + 1}' if len(spectra) > 1 else ''}"
            try:
                reason = refusal(s)
                if reason:
                    raise SpectrumReadError(s.source, reason)
                x, a = standardise(model_view(s))
                phase, _ = resolve_phase(s, args.phase)
                done = apply(x, a, phase, s.meta, processing)
            except SpectrumReadError as exc:
                failed += 1
                print(f"{label}: error: {exc.problem}", file=sys.stderr)
                continue
            texts = [c["text"] for c in done.corrections]
            meta = dict(s.meta) | {CORRECTED_KEY: "; ".join(texts) or "none needed"}
            corrected = replace(s, x=x, y=done.absorbance, x_units="1/CM", y_units="ABSORBANCE", meta=meta)
            target = out / (Path(f).stem + (f"_{i + 1}" if len(spectra) > 1 else "") + ".jdx")
            try:
                target.write_text(write_jcamp(corrected), encoding="utf-8")
            except OSError as exc:
                raise CLIError(f"cannot write {target}: {exc.strerror}") from None
            print(f"{label} -> {target}: {'; '.join(texts) or 'nothing to correct'}")
            for caution in done.cautions:
                print(f"    caution: {caution}")
    if failed:
        print(f"{failed} file(s) or spectra could not be corrected", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
