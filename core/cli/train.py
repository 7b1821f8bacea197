"""`irgroups train` (an ensemble on a dataset) and `irgroups evaluate` (a model on a dataset)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from scipy.special import expit

from core.cli.common import (EXIT_OK, CLIError, ProgressLine, add_processing_arguments, load_model, load_or_build,
                             processing_from)


def add_parser(sub) -> None:
    from core.nn.recipes import DEFAULT_RECIPE, RECIPES

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
    add_processing_arguments(e)
    e.set_defaults(func=cmd_evaluate)


def _metrics_table(metrics: dict, names) -> str:
    rows = sorted(names, key=lambda n: -metrics["groups"][n]["proportion"])
    out = [f"{'group':18s} {'prop':>6s} {'acc':>6s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'AUC':>6s} {'n':>5s}"]
    for n in rows:
        g = metrics["groups"][n]
        out.append(f"{n:18s} {g['proportion']:6.3f} {g['accuracy']:6.3f} {g['precision']:6.3f} "
                   f"{g['recall']:6.3f} {g['f1']:6.3f} {g['auc']:6.3f} {g['support']:5d}")
    out.append(f"molecular F1 {metrics['molecular_f1']:.3f}   molecular perfection "
               f"{metrics['molecular_perfection']:.3f}   (n = {metrics['n']})")
    if "determined_f1" in metrics:
        shares = ", ".join(f"{n} {s:.0%}" for n, s in metrics["undetermined_share"].items() if s >= 0.005) or "none"
        out.append(f"determined F1 {metrics['determined_f1']:.3f} (over the groups each spectrum lets the model "
                   f"judge); undetermined: {shares}")
    return "\n".join(out)


def cmd_train(args) -> int:
    from core.nn.bundle import save_bundle
    from core.data.dataset import DatasetError, load_dataset
    from core.evaluation.pipeline import train_bundle
    from core.explain.patterns import save_patterns
    from core.nn.training import TrainConfig

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


def cmd_evaluate(args) -> int:
    bundle = load_model(args.model)
    ds = load_or_build(args.source, args.structures, args.keep_all_states)
    split = args.split or ("test" if args.structures is None else "all")
    ds = ds.subset(split)
    from core.evaluation.evaluate import EvaluationError, evaluate_bundle

    try:
        report = evaluate_bundle(bundle, ds, processing_from(args))
    except EvaluationError as exc:
        raise CLIError(str(exc)) from None
    ens = report["ensemble"]
    if args.reliability:
        _write_reliability(bundle, ds, report, Path(args.reliability))
    if args.format == "json":
        out = {"model": bundle.path, "split": split, "n": ens["n"], "molecular_f1": ens["molecular_f1"],
               "molecular_perfection": ens["molecular_perfection"], "determined_f1": ens["determined_f1"],
               "undetermined_share": ens["undetermined_share"], "groups": ens["groups"],
               "phases": report["phases"], "members_mean": report["members_mean"]}
        print(json.dumps(out, indent=1))
    else:
        from core.predict.scope import model_scope

        print(f"model {bundle.path}, split {split}\n{model_scope(bundle)}")
        print(_metrics_table(ens, ds.group_names))
        print(_members_line(report["members_mean"]))
        print(_phases_table(report["phases"]))
    return EXIT_OK


def _phases_table(phases: dict) -> str:
    out = [f"{'phase':10s} {'n':>6s} {'mol. F1':>8s} {'perfection':>10s} {'ECE':>6s} {'determined F1':>13s}"]
    for name, m in phases.items():
        out.append(f"{name:10s} {m['n']:6d} {m['molecular_f1']:8.3f} {m['molecular_perfection']:10.3f} {m['ece']:6.3f} "
                   f"{m['determined_f1']:13.3f}")
    return "\n".join(out)


def _write_reliability(bundle, ds, report: dict, out: Path) -> None:
    """Reliability diagrams per phase group: raw ensemble-mean probabilities and the model's
    own (calibrated when it has a calibration)."""
    from core.nn.calibration import expected_calibration_error, reliability_curve
    from core.explain.figures import reliability_figure

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
