"""`irgroups dataset build`: spectra + structures -> a labelled HDF5 dataset."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from core.cli.common import EXIT_OK, CLIError, ProgressLine


def add_parser(sub) -> None:
    ds = sub.add_parser("dataset", help="build labelled datasets").add_subparsers(dest="action", required=True)
    b = ds.add_parser("build", help="spectra (folders or zips) + structures CSVs -> HDF5 dataset")
    b.add_argument("spectra", nargs="+", help="one or more folders/zips of spectra")
    b.add_argument("--structures", required=True, action="append",
                   help="CSV with file and inchi (or smiles) columns; give one per spectra source, in order")
    b.add_argument("--out", required=True)
    b.add_argument("--keep-all-states", action="store_true", help="keep condensed-phase spectra too")
    b.add_argument("--no-formula-check", action="store_true", help="skip the ##MOLFORM cross-check")
    b.add_argument("--split-seed", type=int, default=0)
    b.set_defaults(func=cmd_dataset_build)


def cmd_dataset_build(args) -> int:
    from core.data.dataset import DatasetError, build_dataset, save_dataset

    if len(args.spectra) != len(args.structures):
        raise CLIError(f"{len(args.spectra)} spectra sources but {len(args.structures)} --structures CSVs; "
                       "give one CSV per source, in the same order")
    bar = ProgressLine("reading")
    t0 = time.perf_counter()
    try:
        ds, report = build_dataset(args.spectra, args.structures, gas_only=not args.keep_all_states,
                                   check_formula=not args.no_formula_check, split_seed=args.split_seed,
                                   progress=lambda d, t, n: bar.update(d, t, Path(n).name))
        bar.close()
        save_dataset(ds, args.out)
    except DatasetError as exc:
        raise CLIError(str(exc)) from None
    print(report.summary())
    counts = np.bincount(ds.split, minlength=3)
    print(f"split (seed {args.split_seed}, by compound, stratified by phase): train {counts[0]}, "
          f"validation {counts[1]}, test {counts[2]}")
    for phase in dict.fromkeys(ds.phases):
        c = np.bincount([sp for sp, ph in zip(ds.split, ds.phases) if ph == phase], minlength=3)
        print(f"    {phase:9s} train {c[0]}, validation {c[1]}, test {c[2]}")
    print(f"wrote {args.out} in {time.perf_counter() - t0:.1f} s (content hash {ds.content_hash[:12]})")
    return EXIT_OK
