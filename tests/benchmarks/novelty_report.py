"""Novelty and units report: how many held-out organic gas spectra stay in domain, how many small
inorganic gases are flagged or given no group, and whether NIST Quant-IR files (absorptivity
units, condensed formulas) are read and labelled correctly.

    python tests/benchmarks/novelty_report.py --dataset nist.h5 --public DIR [--compare]

`--dataset`: the gas dataset the model was trained on (`irgroups dataset build ...`).
`--public`: a folder of public JCAMP files, e.g. data/infrared_spectra of
https://github.com/nzhagen/jcamp (MIT; NIST Quant-IR and NIST WebBook spectra), which holds the
eight inorganic gases and 27 Quant-IR files. `--compare` also scores the candidate methods
(ROC AUC organic test split vs inorganic gases) next to the shipped score.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import need_shared

INORGANIC = ("C O2", "C O", "H2 O", "H3 N", "H2 S", "O2 S", "O3", "F6 S")
# structures of the organic NIST Quant-IR files in nzhagen/jcamp, by file name
QUANT_IR_SMILES = {
    "1,1,1-trichloroethane": "CC(Cl)(Cl)Cl", "1,1-dichloroethene": "C=C(Cl)Cl", "1,2-dimethylbenzene": "Cc1ccccc1C",
    "1,3-butadiene": "C=CC=C", "1,3-dimethylbenzene": "Cc1cccc(C)c1", "1,4-dimethylbenzene": "Cc1ccc(C)cc1",
    "1-butanol": "CCCCO", "2-butanone": "CCC(C)=O", "acetone": "CC(C)=O", "acetonitrile": "CC#N",
    "acrylonitrile": "C=CC#N", "carbon tetrafluoride": "FC(F)(F)F", "chloroform": "ClC(Cl)Cl",
    "dichlorodifluoromethane": "FC(F)(Cl)Cl", "dichloromethane": "ClCCl", "ethyl acetate": "CCOC(C)=O",
    "ethyl acrylate": "C=CC(=O)OCC", "ethyl benzene": "CCc1ccccc1", "ethyl tert-butyl ether": "CCOC(C)(C)C",
    "ethylene oxide": "C1CO1", "hexafluoroethane": "FC(F)(F)C(F)(F)F", "isopropyl alcohol": "CC(C)O",
    "methyl bromide": "CBr", "methyl tert-butyl ether": "COC(C)(C)C", "penta fluoroethane": "FC(F)C(F)(F)F",
    "tetrachloroethene": "ClC(Cl)=C(Cl)Cl", "vinyl acetate": "CC(=O)OC=C",
}


def _formula_key(text: str) -> str:
    from core.data.groups import FormulaError, parse_formula

    try:
        return " ".join(f"{k}{v if v > 1 else ''}" for k, v in sorted(parse_formula(text).items()))
    except FormulaError:
        return ""


def _public_files(folder: Path):
    """(path, spectrum, formula key, CAS) of every readable infrared file in the folder."""
    from core.readers.io import read_spectra
    from core.spectra.spectrum import SpectrumReadError

    out = []
    for path in sorted(folder.glob("*.jdx")):
        try:
            s = read_spectra(path)[0]
        except SpectrumReadError as exc:
            print(f"  unreadable: {exc}")
            continue
        if s.is_infrared:
            out.append((path, s, _formula_key(s.meta.get("MOLFORM", "")), s.meta.get("CASREGISTRYNO", "").strip()))
    return out


def inorganic_report(bundle, files) -> None:
    from core.predict.classify import classify_spectra

    wanted = {_formula_key(f): f for f in INORGANIC}
    chosen = {}
    for path, s, key, _ in files:
        if key in wanted and key not in chosen:
            chosen[key] = (path, s)
    preds = classify_spectra([s for _, s in chosen.values()], bundle)
    caught = 0
    print("\nsmall inorganic gases (public JCAMP files):")
    for (path, _), p in zip(chosen.values(), preds):
        present = [n for n, f in zip(bundle.group_names, p.present) if f] if p.ok else []
        ok = p.ok and (p.in_domain is False or not present)
        caught += ok
        print(f"  {path.name:28s} novelty {p.novelty if p.novelty is not None else float('nan'):7.2f} "
              f"in_domain {p.in_domain!s:5s} groups: {', '.join(present) or '(none)'}"
              f"{'' if p.ok else '  error: ' + str(p.error)}")
    print(f"  flagged out of domain or no group: {caught} of {len(chosen)} (target >= 7 of 8)")


def other_sources_report(bundle, files) -> None:
    """Organic spectra from other instruments (every public file but the inorganic gases)."""
    from core.predict.classify import classify_spectra

    wanted = {_formula_key(f) for f in INORGANIC}
    chosen = [(path, s) for path, s, key, _ in files if key not in wanted]
    preds = classify_spectra([s for _, s in chosen], bundle)
    flagged = [f"{path.stem} ({p.novelty:.1f})" for (path, _), p in zip(chosen, preds) if p.in_domain is False]
    print(f"\norganic public files (other instruments): {len(flagged)} of {len(chosen)} flagged: {', '.join(flagged)}")


def quant_ir_report(bundle, files, ds) -> None:
    from core.predict.classify import classify_spectra
    from core.data.groups import label_identifier
    from core.metrics.classification import molecular_f1, molecular_perfection

    quant = [(p, s, cas) for p, s, _, cas in files if "MICROMOL/MOL" in s.y_units.upper()]
    preds = classify_spectra([s for _, s, _ in quant], bundle)
    rows, same = [], []
    where = {name: i for i, name in enumerate(ds.ids)}
    print(f"\nNIST Quant-IR files (absorptivity units): {len(quant)} read, "
          f"{sum(p.ok for p in preds)} classified, {sum(p.in_domain is False for p in preds)} flagged out of domain")
    for (path, s, cas), p in zip(quant, preds):
        labels = label_identifier(QUANT_IR_SMILES[path.stem]) if path.stem in QUANT_IR_SMILES else None
        if p.ok and labels is not None:
            rows.append((labels, p.present, p.in_domain is not False))
            if f"{cas}.jdx" in where:
                same.append((where[f"{cas}.jdx"], p.present))
        print(f"  {path.name:32s} {s.meta.get('MOLFORM', ''):22s} novelty {p.novelty or float('nan'):6.2f} "
              f"{'exact' if p.ok and labels is not None and list(p.present) == labels else '     '} "
              f"{', '.join(n for n, f in zip(bundle.group_names, p.present) if f) if p.ok else 'refused: ' + p.error}")
    if rows:
        y, yhat = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
        kept = np.array([r[2] for r in rows])
        print(f"  organic Quant-IR files (structures from the names): n = {len(rows)}, "
              f"molecular F1 {molecular_f1(y, yhat):.3f}, perfection {molecular_perfection(y, yhat):.3f} "
              f"(target F1 >= 0.85); in domain: n = {kept.sum()}, F1 {molecular_f1(y[kept], yhat[kept]):.3f}; "
              f"flagged: n = {(~kept).sum()}, F1 {molecular_f1(y[~kept], yhat[~kept]):.3f}")
    if same:
        x_in = ds.model_input(bundle.input_config)
        idx = [i for i, _ in same]
        gas = bundle.decide(bundle.predict(x_in[idx], [ds.phases[i] for i in idx])[0])
        y = ds.labels[idx]
        print(f"  the same compounds in the NIST gas set (n = {len(idx)}, {np.mean(ds.split[idx] == 0):.0%} of them in "
              f"training): molecular F1 {molecular_f1(y, gas):.3f} on the gas-set spectra, "
              f"{molecular_f1(y, np.array([p for _, p in same])):.3f} on the Quant-IR files")


def compare_candidates(bundle, ds, keep, public_inorganic) -> None:
    """For candidate novelty scores: ROC AUC, organic test split (0) vs inorganic gases (1), and
    at each score's own threshold (95th percentile of the organic validation split) the share of
    the test split in domain and the inorganic spectra flagged."""
    from core.metrics.classification import roc_auc as roc_auc_score

    from core.nn.novelty import NoveltyModel, fit_novelty, member_latents

    x_in = ds.model_input(bundle.input_config)
    train = x_in[keep & (ds.split == 0)]
    queries = (x_in[keep & (ds.split == 1)], x_in[keep & (ds.split == 2)],
               np.concatenate([public_inorganic, x_in[~keep]]))  # val, test, inorganic

    def knn(ref, q, k=5):
        d = (q ** 2).sum(1)[:, None] + (ref ** 2).sum(1)[None, :] - 2.0 * q @ ref.T
        return np.sqrt(np.clip(np.sort(d, axis=1)[:, :k], 0, None).mean(1))

    def pca(a, d=32):
        mu = a.mean(0)
        vt = np.linalg.svd(a - mu, full_matrices=False)[2][:d]
        return lambda b: (b - mu) @ vt.T

    results = {}
    def flat(a):
        return a.reshape(len(a), -1)  # (n, 2, L) with the mask channel

    proj = pca(flat(train))
    results["input spectra, PCA-32, 5-NN distance"] = [knn(proj(flat(train)), proj(flat(q))) for q in queries]
    lat0 = next(member_latents(bundle, train))
    proj = pca(lat0)
    results["latent (member 0), PCA-32, 5-NN distance"] = [knn(proj(lat0), proj(next(member_latents(bundle, q))))
                                                           for q in queries]

    def pooled(x):
        feats = [m.reshape(len(x), -1, bundle.members[0].n_positions) for m in member_latents(bundle, x)]
        return np.concatenate([np.concatenate([f.mean(-1), f.max(-1)], 1) for f in feats], 1)

    ref = pooled(train)
    mu, sd = ref.mean(0), ref.std(0) + 1e-6
    results["latent channel-pooled (mean, max), 5-NN"] = [knn((ref - mu) / sd, (pooled(q) - mu) / sd) for q in queries]
    results["ensemble disagreement (mean sd)"] = [bundle.predict(q)[1].mean(1) for q in queries]
    model = fit_novelty(bundle, train, queries[0])
    alone = NoveltyModel(model.high, model.spread, model.member_scale, 1.0)  # no neighbour reference
    results["latent exceedance alone"] = [alone.raw(bundle, q) for q in queries]
    results["larger of exceedance and pooled 5-NN (shipped)"] = [model.score(bundle, q)[0] for q in queries]
    val, test, odd = queries
    print(f"\ncandidate scores: organic test split (n={len(test)}) vs inorganic gases (n={len(odd)})")
    for name, (v, t, o) in results.items():
        thr = np.quantile(v, 0.95)
        auc = roc_auc_score(np.r_[np.zeros(len(t)), np.ones(len(o))], np.r_[t, o])
        print(f"  {name:45s} ROC AUC {auc:.3f}; at its threshold: test in domain {np.mean(t <= thr):.1%}, "
              f"inorganic flagged {int(np.sum(o > thr))} of {len(o)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--public", required=True, help="folder of public JCAMP files")
    ap.add_argument("--model")
    ap.add_argument("--compare", action="store_true")
    args = ap.parse_args()
    if not need_shared():
        return
    from core.nn.bundle import load_bundle
    from core.data.dataset import load_dataset
    from core.nn.novelty import organic_mask
    from core.predict.classify import classify_spectra
    from core.data.resources import model_path

    bundle = load_bundle(model_path(args.model))
    if bundle.novelty is None:
        raise SystemExit(f"{bundle.path}: no novelty files; run irgroups novelty fit first")
    ds = load_dataset(args.dataset)
    keep = organic_mask(ds.identifiers)
    x_in = ds.model_input(bundle.input_config)
    print(f"model {bundle.path}; novelty: {bundle.novelty.info.get('method')}")
    gas = np.array([p == "gas" for p in ds.phases])
    for split, code in (("validation", 1), ("test", 2)):
        rows = keep & (ds.split == code)
        inside = bundle.novelty.score(bundle, x_in[rows])[1]
        by_phase = "; ".join(f"{name} {inside[sel[rows]].mean():.1%} of {sel[rows].sum()}"
                             for name, sel in (("gas", gas), ("condensed", ~gas)) if sel[rows].any())
        print(f"organic {split} split: {inside.mean():.1%} of {inside.size} in domain ({by_phase})"
              f"{' (target >= 93%)' if code == 2 else ''}")
    scores, inside = bundle.novelty.score(bundle, x_in[~keep])
    print("inorganic molecules in the gas set (in the model's training data, left out of the novelty reference):")
    for i, s, f in zip(np.flatnonzero(~keep), scores, inside):
        print(f"  {ds.names[i]:24s} split {['train', 'val', 'test'][ds.split[i]]:5s} novelty {s:7.2f} "
              f"{'in domain' if f else 'flagged'}")
    files = _public_files(Path(args.public))
    inorganic_report(bundle, files)
    other_sources_report(bundle, files)
    quant_ir_report(bundle, files, ds)
    if args.compare:
        wanted = {_formula_key(f) for f in INORGANIC}
        public = [s for _, s, key, _ in files if key in wanted]
        public_in = np.stack([p.model_input for p in classify_spectra(public, bundle) if p.ok])
        compare_candidates(bundle, ds, keep, public_in)


if __name__ == "__main__":
    main()
