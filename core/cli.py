"""The `irgroups` command line: dataset build, train, evaluate, predict, explain."""
from __future__ import annotations

import argparse
import importlib
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.special import expit

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on usage errors
# command groups in their own modules, each with add_parser(subparsers)
COMMAND_MODULES = ("core.cli_explain", "core.cli_library", "core.cli_files", "core.cli_novelty")


class CLIError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


class ProgressLine:
    """A one-line progress display on stderr (redrawn on a terminal, sparse lines otherwise)."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def update(self, done: int, total: int, extra: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        text = f"{self.label} [{bar:<30}] {done}/{total} {extra}"
        if self.tty:
            sys.stderr.write("\r" + text[:120].ljust(120))
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def note(self, text: str) -> None:
        """Replace the bar with a line of text (a stage that has no batches to count)."""
        if self.tty:
            sys.stderr.write("\r" + f"{self.label}: {text}"[:120].ljust(120))
        else:
            sys.stderr.write(f"{self.label}: {text}\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def _load_model(path: str | None):
    from core.bundle import BundleError, load_bundle
    from core.resources import model_path

    try:
        return load_bundle(model_path(path))
    except BundleError as exc:
        raise CLIError(str(exc)) from None


def _load_or_build(source: str, structures: str | None, keep_all: bool):
    from core.dataset import DatasetError, build_dataset, load_dataset

    try:
        if source.endswith((".h5", ".hdf5")) and structures is None:
            return load_dataset(source)
        if structures is None:
            raise CLIError(f"{source}: spectra need --structures CSV (or give a dataset .h5)")
        bar = ProgressLine("reading")
        ds, report = build_dataset(source, structures, gas_only=not keep_all,
                                   progress=lambda d, t, n: bar.update(d, t))
        bar.close()
        print(report.summary(), file=sys.stderr)
        return ds
    except DatasetError as exc:
        raise CLIError(str(exc)) from None


# ---------------------------------------------------------------- dataset build
def cmd_dataset_build(args) -> int:
    from core.dataset import DatasetError, build_dataset, save_dataset

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


# ---------------------------------------------------------------- train
def _metrics_table(metrics: dict, names) -> str:
    rows = sorted(names, key=lambda n: -metrics["groups"][n]["proportion"])
    out = [f"{'group':18s} {'prop':>6s} {'acc':>6s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'AUC':>6s} {'n':>5s}"]
    for n in rows:
        g = metrics["groups"][n]
        out.append(f"{n:18s} {g['proportion']:6.3f} {g['accuracy']:6.3f} {g['precision']:6.3f} "
                   f"{g['recall']:6.3f} {g['f1']:6.3f} {g['auc']:6.3f} {g['support']:5d}")
    out.append(f"molecular F1 {metrics['molecular_f1']:.3f}   molecular perfection "
               f"{metrics['molecular_perfection']:.3f}   (n = {metrics['n']})")
    return "\n".join(out)


def cmd_train(args) -> int:
    from core.bundle import save_bundle
    from core.dataset import DatasetError, load_dataset
    from core.evaluation import train_bundle
    from core.patterns import save_patterns
    from core.training import TrainConfig

    try:
        ds = load_dataset(args.dataset)
    except DatasetError as exc:
        raise CLIError(str(exc)) from None
    overrides = {k: v for k, v in {"max_epochs": args.epochs, "patience": args.patience,
                                   "batch_size": args.batch_size, "learning_rate": args.lr,
                                   "threads": args.threads}.items()
                 if v is not None}
    config = TrainConfig.recipe(args.recipe, **overrides)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    bar = ProgressLine("training")

    def on_event(e):
        if e.kind == "batch":
            bar.update(e.batch, e.n_batches, f"{e.active}/{e.members} members epoch {e.epoch} loss {e.train_loss:.3f} "
                       f"({e.eta:.0f} s left in epoch)")
        else:
            bar.update(e.n_batches, e.n_batches, f"{e.active}/{e.members} members epoch {e.epoch} "
                       f"train {e.train_loss:.4f} "
                       f"val {e.val_loss:.4f} molF1 {e.val_metrics['val_molecular_f1']:.3f} "
                       f"best {e.best_epoch}; at least {e.eta:.0f} s left", force=not bar.tty)

    trained = train_bundle(ds, config, seeds, {"recipe": args.recipe, "config": vars(config),
                                               "dataset": Path(args.dataset).name}, callback=on_event,
                           status=bar.note)
    bar.close()
    save_bundle(trained.bundle, args.out)
    save_patterns(trained.patterns, args.out)
    print(_metrics_table(trained.report["ensemble"], ds.group_names))
    print(_members_line(trained.report["members_mean"]))
    print(_phases_table(trained.report["phases"]))
    results = trained.results
    print(f"saved {args.out} ({len(results)} members, epochs {[r.best_epoch for r in results]}, "
          f"{max(r.seconds for r in results):.0f} s)")
    return EXIT_OK


def _members_line(mm: dict) -> str:
    return (f"single members (mean ± sd over {mm['members']}): molecular F1 {mm['molecular_f1']:.3f} ± "
            f"{mm['molecular_f1_sd']:.3f}, perfection {mm['molecular_perfection']:.3f} ± "
            f"{mm['molecular_perfection_sd']:.3f}")


# ---------------------------------------------------------------- evaluate
def cmd_evaluate(args) -> int:
    bundle = _load_model(args.model)
    ds = _load_or_build(args.source, args.structures, args.keep_all_states)
    split = args.split or ("test" if args.structures is None else "all")
    ds = ds.subset(split)
    from core.evaluation import EvaluationError, evaluate_bundle

    try:
        report = evaluate_bundle(bundle, ds)
    except EvaluationError as exc:
        raise CLIError(str(exc)) from None
    ens = report["ensemble"]
    if args.reliability:
        _write_reliability(bundle, ds, report, Path(args.reliability))
    if args.format == "json":
        out = {"model": bundle.path, "split": split, "n": ens["n"], "molecular_f1": ens["molecular_f1"],
               "molecular_perfection": ens["molecular_perfection"], "groups": ens["groups"],
               "phases": report["phases"], "members_mean": report["members_mean"]}
        print(json.dumps(out, indent=1))
    else:
        from core.scope import model_scope

        print(f"model {bundle.path}, split {split}\n{model_scope(bundle)}")
        print(_metrics_table(ens, ds.group_names))
        print(_members_line(report["members_mean"]))
        print(_phases_table(report["phases"]))
    return EXIT_OK


def _phases_table(phases: dict) -> str:
    out = [f"{'phase':10s} {'n':>6s} {'mol. F1':>8s} {'perfection':>10s} {'ECE':>6s}"]
    for name, m in phases.items():
        out.append(f"{name:10s} {m['n']:6d} {m['molecular_f1']:8.3f} {m['molecular_perfection']:10.3f} {m['ece']:6.3f}")
    return "\n".join(out)


def _write_reliability(bundle, ds, report: dict, out: Path) -> None:
    """Reliability diagrams per phase group: raw ensemble-mean probabilities and the model's
    own (calibrated when it has a calibration)."""
    from core.calibration import expected_calibration_error, reliability_curve
    from core.figures import reliability_figure

    raw = expit(bundle.member_logits(ds.model_input(bundle.input_config), ds.phases)).mean(axis=0)
    shown = report["probabilities"]
    ph = np.asarray(ds.phases)
    curves = {}
    for name, rows in (("gas", ph == "gas"), ("condensed", ph != "gas")):
        if rows.any():
            curves[name] = {label: (*reliability_curve(p[rows], ds.labels[rows]),
                                    expected_calibration_error(p[rows], ds.labels[rows]))
                            for label, p in (("uncalibrated", raw), ("as shown", shown))}
    out.parent.mkdir(parents=True, exist_ok=True)
    fmt = out.suffix.lstrip(".").lower() or "png"
    for path in reliability_figure(curves, out.parent, (fmt,), stem=out.stem):
        print(f"wrote {path}", file=sys.stderr)


# ---------------------------------------------------------------- predict
def _label(p) -> str:
    """The file, and `#n` for a spectrum of a multi-spectrum file."""
    return p.source + (f" #{p.index + 1}" if p.name.endswith(f" #{p.index + 1}") else "")


def cmd_predict(args) -> int:
    from core.classify import classify_in_chunks
    from core.io import expand_paths

    bundle = _load_model(args.model)
    files = expand_paths(args.files)
    if not files:
        raise CLIError("no spectrum files found")
    preds = [p for _, chunk in classify_in_chunks(files, bundle, phase=args.phase) for p in chunk]
    names = bundle.group_names
    if args.format == "json":
        out = []
        for p in preds:
            entry = {"file": p.source, "index": p.index, "name": p.name}
            if p.ok:
                entry |= {"probabilities": {n: round(float(v), 4) for n, v in zip(names, p.mean)},
                          "spread": {n: round(float(v), 4) for n, v in zip(names, p.std)},
                          "present": [n for n, f in zip(names, p.present) if f], "warnings": p.warnings,
                          "phase": p.phase, "phase_source": p.phase_source,
                          "in_domain": p.in_domain, "novelty": None if p.novelty is None else round(p.novelty, 3)}
            else:
                entry["error"] = p.error
            out.append(entry)
        print(json.dumps(out, indent=1))
    elif args.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(["file", "error", "present"] + [f"p_{n}" for n in names] + [f"sd_{n}" for n in names]
                   + ["phase", "in_domain", "novelty"])
        for p in preds:
            domain = [p.phase, "" if p.in_domain is None else str(p.in_domain).lower(),
                      "" if p.novelty is None else f"{p.novelty:.3f}"]
            if p.ok:
                w.writerow([p.source, "", ";".join(n for n, f in zip(names, p.present) if f)]
                           + [f"{v:.4f}" for v in p.mean] + [f"{v:.4f}" for v in p.std] + domain)
            else:
                w.writerow([p.source, p.error, ""] + [""] * (2 * len(names)) + domain)
    else:
        for p in preds:
            if not p.ok:
                print(f"{_label(p)}: error: {p.error}")
                continue
            present = [n for n, f in zip(names, p.present) if f]
            outside = "[outside the model's domain] " if p.in_domain is False else ""
            print(f"{_label(p)}: {outside}{', '.join(present) or '(no group)'}")
            for w in p.warnings:
                print(f"    caution: {w}")
            if args.verbose:
                for n, m, s, t in zip(names, p.mean, p.std, bundle.thresholds):
                    print(f"    {n:18s} {m:6.3f} ± {s:5.3f}  {'present' if m >= t else ''}")
    failed = sum(not p.ok for p in preds)
    if failed:
        print(f"{failed} of {len(preds)} files could not be classified", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


# ---------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    from core import __version__
    from core.phase import PHASES
    from core.recipes import DEFAULT_RECIPE, RECIPES

    p = argparse.ArgumentParser(prog="irgroups", description="Functional groups from IR spectra, explained.")
    p.add_argument("--version", action="version", version=f"irgroups {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

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

    t = sub.add_parser("train", help="train an ensemble on a dataset")
    t.add_argument("dataset")
    t.add_argument("--out", required=True, help="model folder to write")
    t.add_argument("--seeds", type=int, default=1, help="ensemble members (default 1)")
    t.add_argument("--first-seed", type=int, default=0)
    t.add_argument("--recipe", choices=list(RECIPES), default=DEFAULT_RECIPE,
                   help="paper: the published recipe; improved: + augmentation, tuned thresholds (gas); "
                        "phase-aware (default): + mask channel, intensity/shift augmentation, softer loss "
                        "weights, gas/condensed heads, calibration")
    t.add_argument("--epochs", type=int, help="maximum epochs")
    t.add_argument("--patience", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--lr", type=float)
    t.add_argument("--threads", type=int, help="torch threads (default 2; use 1 on a busy machine)")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="Tables 1 and 2 of the paper for a model")
    e.add_argument("source", help="dataset .h5, or spectra folder/zip with --structures")
    e.add_argument("--structures")
    e.add_argument("--model", help="model folder (default: the bundled model)")
    e.add_argument("--split", choices=["train", "val", "test", "all"])
    e.add_argument("--keep-all-states", action="store_true")
    e.add_argument("--format", choices=["table", "json"], default="table")
    e.add_argument("--reliability", metavar="FILE.png|svg", help="write reliability diagrams per phase")
    e.set_defaults(func=cmd_evaluate)

    pr = sub.add_parser("predict", help="classify spectrum files")
    pr.add_argument("files", nargs="+", help="spectrum files or folders")
    pr.add_argument("--model")
    pr.add_argument("--format", choices=["table", "csv", "json"], default="table")
    pr.add_argument("-v", "--verbose", action="store_true", help="all probabilities in the table")
    pr.add_argument("--phase", default="auto", choices=["auto", *PHASES],
                    help="sample phase for every file (default auto: the file's ##STATE, else inferred gas/condensed)")
    pr.set_defaults(func=cmd_predict)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_parser(sub)

    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CLIError as exc:
        print(f"irgroups: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("irgroups: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
