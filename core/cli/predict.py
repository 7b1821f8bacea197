"""`irgroups predict`: classify spectrum files (table, CSV or JSON)."""
from __future__ import annotations

import csv
import json
import sys

from core.cli.common import EXIT_FAILED, EXIT_OK, CLIError, add_processing_arguments, load_model, processing_from


def add_parser(sub) -> None:
    from core.spectra.phase import PHASES

    pr = sub.add_parser("predict", help="classify spectrum files")
    pr.add_argument("files", nargs="+", help="spectrum files or folders")
    pr.add_argument("--model")
    pr.add_argument("--format", choices=["table", "csv", "json"], default="table")
    pr.add_argument("-v", "--verbose", action="store_true", help="all probabilities in the table")
    pr.add_argument("--phase", default="auto", choices=["auto", *PHASES],
                    help="sample phase for every file (default auto: the file's ##STATE, else inferred gas/condensed)")
    add_processing_arguments(pr)
    pr.set_defaults(func=cmd_predict)


def _label(p) -> str:
    """The file, and `#n` for a spectrum of a multi-spectrum file."""
    return p.source + (f" #{p.index + 1}" if p.name.endswith(f" #{p.index + 1}") else "")


def cmd_predict(args) -> int:
    from core.predict.classify import classify_in_chunks
    from core.readers.io import expand_paths

    bundle = load_model(args.model)
    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    processing = processing_from(args)
    preds = [p for _, chunk in classify_in_chunks(files, bundle, phase=args.phase, processing=processing) for p in chunk]
    names = bundle.group_names
    if args.format == "json":
        out = []
        for p in preds:
            entry = {"file": p.source, "index": p.index, "name": p.name}
            if p.ok:
                entry |= {"probabilities": {n: round(float(v), 4) for n, v in zip(names, p.mean)},
                          "spread": {n: round(float(v), 4) for n, v in zip(names, p.std)},
                          "present": p.present_groups(names), "warnings": p.warnings,
                          "phase": p.phase, "phase_source": p.phase_source,
                          "in_domain": p.in_domain, "novelty": None if p.novelty is None else round(p.novelty, 3),
                          "corrections": p.corrections, "undetermined": p.undetermined}
            else:
                entry["error"] = p.error
            out.append(entry)
        print(json.dumps(out, indent=1))
    elif args.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["file", "error", "present"] + [f"p_{n}" for n in names] + [f"sd_{n}" for n in names]
                   + ["phase", "in_domain", "novelty", "corrections", "undetermined"])
        for p in preds:
            domain = [p.phase, "" if p.in_domain is None else str(p.in_domain).lower(),
                      "" if p.novelty is None else f"{p.novelty:.3f}", "; ".join(c["text"] for c in p.corrections),
                      "; ".join(f"{g}: {r}" for g, r in p.undetermined.items())]
            if p.ok:
                w.writerow([p.source, "", ";".join(p.present_groups(names))]
                           + [f"{v:.4f}" for v in p.mean] + [f"{v:.4f}" for v in p.std] + domain)
            else:
                w.writerow([p.source, p.error, ""] + [""] * (2 * len(names)) + domain)
    else:
        for p in preds:
            if not p.ok:
                print(f"{_label(p)}: error: {p.error}")
                continue
            present = p.present_groups(names)
            outside = "[outside the model's domain] " if p.in_domain is False else ""
            print(f"{_label(p)}: {outside}{', '.join(present) or '(no group)'}")
            for c in p.corrections:
                print(f"    corrected: {c['text']}")
            for g, r in p.undetermined.items():
                print(f"    undetermined: {g} ({r})")
            for w in p.warnings:
                print(f"    caution: {w}")
            if args.verbose:
                for n, m, s, t in zip(names, p.mean, p.std, bundle.thresholds):
                    verdict = "undetermined" if n in p.undetermined else "present" if m >= t else ""
                    print(f"    {n:18s} {m:6.3f} ± {s:5.3f}  {verdict}")
    failed = sum(not p.ok for p in preds)
    if failed:
        print(f"{failed} of {len(preds)} files could not be classified", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
