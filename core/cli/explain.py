"""`irgroups explain`: the two-step explanation for a dataset, or the evidence for one spectrum."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np


def add_parser(sub) -> None:
    e = sub.add_parser("explain", help="explanation figures and numbers (dataset) or one spectrum's evidence")
    e.add_argument("file", nargs="?", help="a spectrum to explain (omit with --dataset)")
    e.add_argument("--dataset", help="dataset .h5 for the two-step explanation")
    e.add_argument("--split", choices=["train", "val", "test", "all"], default="test")
    e.add_argument("--group", help="group to explain (default: all)")
    e.add_argument("--model")
    e.add_argument("--out", help="folder for figures and numbers")
    e.add_argument("--top", type=int, default=100, help="windows per channel (step 1)")
    e.add_argument("--format", choices=["png", "svg", "both"], default="both")
    e.set_defaults(func=cmd_explain)


def _formats(arg: str) -> tuple[str, ...]:
    return ("png", "svg") if arg == "both" else (arg,)


def cmd_explain(args) -> int:
    from core.cli.common import CLIError, load_model
    from core.data.groups import group_index

    if bool(args.file) == bool(args.dataset):
        raise CLIError("give either a spectrum FILE or --dataset DATASET.h5")
    bundle = load_model(args.model)
    try:
        groups = [group_index(args.group)] if args.group else list(range(len(bundle.group_names)))
    except KeyError as exc:
        raise CLIError(str(exc.args[0])) from None
    if args.file:
        return _explain_file(args, bundle, groups)
    if not args.out:
        raise CLIError("--dataset needs --out DIR")
    return _explain_dataset(args, bundle, groups)


def _explain_file(args, bundle, groups) -> int:
    from core.predict.classify import classify_files
    from core.cli.common import CLIError
    from core.explain.evidence import Explainer

    pred = classify_files([args.file], bundle)[0]
    if not pred.ok:
        raise CLIError(f"{pred.source}: {pred.error}")
    ex = Explainer(bundle)
    terms = ex.terms(pred.model_input, pred.phase)
    rf = ex.fields
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    for g in groups:
        ev = ex.evidence(pred.model_input, g, terms, pred.phase)
        name = bundle.group_names[g]
        order = np.argsort(-np.abs(ev.per_window))[:5]
        print(f"{name}: p = {pred.mean[g]:.3f} ± {pred.std[g]:.3f} (threshold {bundle.thresholds[g]:.2f}), "
              f"mean logit {ev.logit:.3f} = evidence {ev.terms.sum():.3f} + bias {ev.bias:.3f}")
        for p in order:
            print(f"    {rf.wn_lo[p]:6.0f}-{rf.wn_hi[p]:4.0f} cm-1  {ev.per_window[p]:+8.3f}")
        if out:
            from core.explain.figures import spectrum_evidence_figure

            for path in spectrum_evidence_figure(pred.input_spectrum, bundle, ev, g, float(pred.mean[g]),
                                                 pred.name, out, _formats(args.format)):
                print(f"    wrote {path}")
    return 0


def _explain_dataset(args, bundle, groups) -> int:
    from core.explain import figures
    from core.cli.common import CLIError, ProgressLine
    from core.data.dataset import DatasetError, load_dataset
    from core.explain.patterns import top_patterns
    from core.explain.weights import alignment_table, ensemble_consistency, head_names
    from core.data.groups import GROUPS

    try:
        ds = load_dataset(args.dataset).subset(args.split)
    except DatasetError as exc:
        raise CLIError(str(exc)) from None
    if ds.grid != bundle.grid:
        raise CLIError("the dataset's grid differs from the model's")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fmts = _formats(args.format)
    bar = ProgressLine("figures")
    heads = head_names(bundle)
    total = 2 + (len(heads) + 1) * len(groups)
    x = ds.model_input(bundle.input_config)
    patterns = top_patterns(bundle.members[0], x, bundle.grid, args.top)
    figures.patterns_figure(patterns, bundle.grid.step, out, fmts)
    default_head = bundle.config.head_of("unknown")  # the head users' files without a phase get
    rows = alignment_table(bundle, x, ds.labels, default_head)
    figures.alignment_figure(rows, out, fmts)
    by_phase = _phase_alignment(bundle, ds, x, out, fmts)
    bar.update(2, total)
    for i, g in enumerate(groups):
        for head, label in heads:
            figures.group_weights_figure(bundle, g, out, fmts, head, label)
        name = bundle.group_names[g]
        lo, hi = next((gr.bands[0] for gr in GROUPS if gr.name == name), (500, 4000))
        pad = max(150.0, (hi - lo))
        figures.presence_figure(x[:, 0] if x.ndim == 3 else x, ds.labels, bundle, g, (lo - pad, hi + pad), out, fmts)
        bar.update(2 + (len(heads) + 1) * (i + 1), total, name)
    bar.close()
    consistency = {}
    for head, label in heads:
        mean, sd = ensemble_consistency(bundle, head)
        consistency[label or "all"] = {bundle.group_names[g]: {"mean": mean[g].round(4).tolist(),
                                                               "sd": sd[g].round(4).tolist()} for g in groups}
    numbers = {
        "model": bundle.path, "dataset": str(args.dataset), "split": args.split, "n": len(ds),
        "alignment": rows, "alignment_by_phase": by_phase,
        "patterns": [{"channel": p.channel, "activation": p.activation.round(4).tolist(),
                      "spectrum_id": [ds.ids[i] for i in p.spectrum], "wn_lo": p.wn_lo.round(1).tolist(),
                      "wn_hi": p.wn_hi.round(1).tolist()} for p in patterns],
        "consistency": consistency if bundle.config.heads else consistency["all"],
    }
    (out / "explanation.json").write_text(json.dumps(numbers, indent=1))
    _write_alignment_csv(rows, out / "alignment.csv")
    print(format_alignment(rows))
    for phase, prow in by_phase.items():
        print(f"\n{phase} spectra only:")
        print(format_alignment(prow))
    print(f"wrote figures and numbers to {out}")
    return 0


def _phase_alignment(bundle, ds, x: np.ndarray, out: Path, fmts) -> dict[str, list[dict]]:
    """Alignment tables per phase group (gas, condensed) with their CSV files, and the figure
    comparing gas and condensed evidence for alcohols and carboxylic acids, when the dataset
    holds both."""
    from core.explain import figures
    from core.explain.evidence import Explainer
    from core.explain.weights import alignment_table

    ph = np.asarray(ds.phases)
    parts = {"gas": ph == "gas", "condensed": ph != "gas"}
    if not all(m.any() for m in parts.values()):
        return {}
    tables = {}
    for phase, rows in parts.items():
        tables[phase] = alignment_table(bundle, x[rows], ds.labels[rows], bundle.config.head_of(phase))
        _write_alignment_csv(tables[phase], out / f"alignment_{phase}.csv")
    ex = Explainer(bundle)
    curves = {}
    for name in ("alcohols", "carboxylic acids"):
        g = bundle.group_names.index(name)
        curves[name] = {}
        for phase, rows in parts.items():
            have = np.flatnonzero(rows & (ds.labels[:, g] == 1))
            if len(have):
                curves[name][phase] = (np.mean([ex.evidence(x[i], g, phase=phase).per_window for i in have], axis=0),
                                       len(have))
    figures.phase_evidence_figure(curves, ex.fields.centre, bundle.grid, out, fmts)
    return tables


def _write_alignment_csv(rows: list[dict], path: Path) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["group", "weight_share_in_bands", "evidence_share_in_bands", "chance_share", "peak_wavenumber"])
        for r in rows:
            w.writerow([r["group"], f"{r['weight_share_in_bands']:.3f}", f"{r.get('evidence_share_in_bands', float('nan')):.3f}",
                        f"{r['chance_share']:.3f}", f"{r['peak_wavenumber']:.0f}"])


def format_alignment(rows: list[dict]) -> str:
    lines = [f"{'group':18s} {'peak cm-1':>9s} {'weight in bands':>15s} {'evidence in bands':>17s} {'chance':>7s}"]
    for r in rows:
        lines.append(f"{r['group']:18s} {r['peak_wavenumber']:9.0f} {r['weight_share_in_bands']:15.2f} "
                     f"{r.get('evidence_share_in_bands', float('nan')):17.2f} {r['chance_share']:7.2f}")
    return "\n".join(lines)
