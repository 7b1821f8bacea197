"""Reference-library search: similarity chosen by measurement, novelty threshold, k-NN second
opinion per phase, and speed. Prints the figures quoted in the README.

    python tests/benchmarks/bench_search.py [--cache build/bench_cache] [--parts perturb,novelty,vote,speed]

Data: the NIST gas and condensed sets in ../shared/data, split 70/15/15 with seed 0 as
`irgroups dataset build` splits them (by compound, stratified by source and phase: the split
the default model was trained on). Libraries are built once and cached.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from _common import ROOT, SHARED, need_shared, report, timed

from core.data.dataset import compound_key, grouped_split
from core.readers.io import read_spectra
from core.library.store import Library, build_library, load_library, merge_libraries, save_library
from core.metrics.classification import molecular_f1
from core.spectra.preprocess import normalise, resample_batch, standardise
from core.library.features import features
from core.library.search import NOVELTY_THRESHOLD, VOTE_K, VOTE_TAU, knn_vote, nearest, search_files, search_model_inputs
from core.spectra.spectrum import Spectrum

SOURCES = {"gas": ("nist_gas_ir/spectra.zip", "nist_gas_ir/structures.csv"),
           "condensed": ("nist_condensed_ir/spectra.zip", "nist_condensed_ir/structures.csv")}


def libraries(cache: Path) -> dict[str, Library]:
    """The gas and condensed libraries (built once, then read from the cache)."""
    out = {}
    for key, (zip_rel, csv_rel) in SOURCES.items():
        path = cache / f"{key}.h5"
        if not path.exists():
            t0 = time.perf_counter()
            lib, rep = build_library([SHARED / zip_rel], [SHARED / csv_rel])
            save_library(lib, path)
            print(f"built {key} library: {len(lib)} spectra in {time.perf_counter() - t0:.0f} s")
        out[key] = load_library(path)
    return out


def dataset_split(libs: dict[str, Library], seed: int = 0) -> dict[str, np.ndarray]:
    """Each library's part of the split `irgroups dataset build` makes of these sources in this
    order: by compound (InChIKey; a compound in both sources follows its first spectrum), each
    (source, phase) stratum split on its own."""
    from rdkit import Chem

    keys, strata = [], []
    for k, lib in enumerate(libs.values()):
        keys += [compound_key(Chem.MolFromInchi(i) if i.startswith("InChI=") else Chem.MolFromSmiles(i))
                 for i in lib.identifiers]
        strata += [f"{k}:{p}" for p in lib.phases]
    split = grouped_split(keys, strata, seed)
    ends = np.cumsum([len(lib) for lib in libs.values()])
    return dict(zip(libs, np.split(split, ends[:-1])))


def perturb(x: np.ndarray, a: np.ndarray, rng: np.random.Generator, shift: float = 1.5, noise: float = 0.003,
            tilt: float = 0.02, fwhm: float = 0.0, lo: float = 0.0, hi: float = np.inf) -> Spectrum:
    """A re-measurement: peak absorbance 1, optional resolution loss (Gaussian FWHM cm-1) and range
    cut, then transmittance with a baseline tilt (fraction of full scale, random direction) and
    Gaussian noise (sd as fraction of full scale), shifted by +-shift cm-1, x in micrometres."""
    a = a / max(float(a.max()), 1e-9)
    if fwhm:
        step = float(np.median(np.diff(x)))
        sigma = fwhm / 2.355 / step
        k = np.exp(-0.5 * (np.arange(-int(4 * sigma) - 1, int(4 * sigma) + 2) / sigma) ** 2)
        a = np.convolve(a, k / k.sum(), mode="same")
    keep = (x >= lo) & (x <= hi)
    x, a = x[keep], a[keep]
    ramp = (x - x[0]) / (x[-1] - x[0])
    t = 10.0 ** (-a) + tilt * (ramp if rng.random() < 0.5 else 1 - ramp) + rng.normal(0, noise, x.size)
    um = 1e4 / (x + shift * rng.choice([-1.0, 1.0]))
    order = np.argsort(um)
    return Spectrum(um[order], t[order], "MICROMETERS", "TRANSMITTANCE", source="perturbed")


def originals(key: str, files: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(wavenumber, absorbance) of the original files, read again from the zip."""
    with zipfile.ZipFile(SHARED / SOURCES[key][0]) as z:
        names = {Path(n).name: n for n in z.namelist()}
        return [standardise(read_spectra(names[f], z.read(names[f]))[0]) for f in files]


CANDIDATES = {
    "cosine, normalised spectra": lambda X: _unit(X, centre=False),
    "correlation, normalised spectra": lambda X: _unit(X),
    "correlation, first derivative": lambda X: _unit(np.diff(X, axis=1)),
    "correlation, sqrt spectra": lambda X: _unit(np.sqrt(np.clip(X, 0, None))),
    "chosen: correlation, derivative of smoothed sqrt": features,
}


def _unit(F: np.ndarray, centre: bool = True) -> np.ndarray:
    F = F - F.mean(axis=1, keepdims=True) if centre else F
    return (F / np.maximum(np.linalg.norm(F, axis=1, keepdims=True), 1e-12)).astype(np.float32)


def model_view(bundle, X: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(network input, phases) of library spectra as the app reads a file that names no phase:
    the measured range taken as first to last non-zero point (the library keeps no mask), the
    phase inferred gas or condensed from the spectrum."""
    nz = X > 0
    idx = np.arange(X.shape[1])
    first, last = nz.argmax(axis=1), X.shape[1] - 1 - nz[:, ::-1].argmax(axis=1)
    valid = (idx >= first[:, None]) & (idx <= last[:, None]) & nz.any(axis=1)[:, None]
    p_gas = bundle.phase_inference.p_gas(X, valid) if bundle.phase_inference else np.zeros(len(X))
    phases = ["gas" if p >= 0.5 else "unknown" for p in p_gas]
    return bundle.network_input(X, valid, [""] * len(X), phases), phases


def network_decisions(bundle, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities, present) of the network for library spectra."""
    x, phases = model_view(bundle, X)
    p = bundle.predict(x, phases)[0]
    return p, bundle.decide(p).astype(bool)


def _latent(bundle):
    """Member 0's latent matrix as the model reads a library spectrum (`model_view`)."""
    import torch

    def f(X):
        x = model_view(bundle, X)[0]
        with torch.inference_mode():
            return _unit(bundle.members[0].features(torch.as_tensor(x)).flatten(1).numpy(), centre=False)
    return f


def part_perturb(libs: dict[str, Library], splits: dict[str, np.ndarray], bundle) -> None:
    full = merge_libraries([libs["gas"], libs["condensed"]])
    offset = {"gas": 0, "condensed": len(libs["gas"])}
    test_idx, test_key = [], []
    for key in libs:
        idx = np.flatnonzero(splits[key] == 2)
        test_idx += list(idx + offset[key])
        test_key += [key] * len(idx)
    test_idx, test_key = np.array(test_idx), np.array(test_key)
    orig = originals("gas", [full.files[i] for i in test_idx[test_key == "gas"]]) + \
        originals("condensed", [full.files[i] for i in test_idx[test_key == "condensed"]])
    scenarios = {
        "target: T in um, 0.3% noise, 2% tilt, 1.5 cm-1 shift": {},
        "harder: + 8 cm-1 resolution, 600-3800 cm-1 only, 1% noise, 5% tilt, 3 cm-1": dict(
            fwhm=8.0, lo=600.0, hi=3800.0, noise=0.01, tilt=0.05, shift=3.0),
    }
    cands = dict(CANDIDATES) | {"cosine, network latent features (member 0)": _latent(bundle)}
    ident = np.array(full.identifiers)
    print(f"\nself-retrieval: {len(test_idx)} test spectra ({(test_key == 'gas').sum()} gas, "
          f"{(test_key == 'condensed').sum()} condensed) against all {len(full)} references")
    for title, kw in scenarios.items():
        rng = np.random.default_rng(0)
        qs = [standardise(perturb(x, a, rng, **kw)) for x, a in orig]
        Q = normalise(resample_batch([q[0] for q in qs], [q[1] for q in qs], full.grid))
        print(f"  {title}")
        print(f"    {'similarity':52s} {'top-1':>6s} {'top-5':>6s} {'gas':>6s} {'cond.':>6s}")
        for name, f in cands.items():
            idx, _ = nearest(f(full.spectra), f(Q), 5)
            own = ident[idx] == ident[test_idx][:, None]  # own compound (any of its spectra)
            top1, top5 = own[:, 0], own.any(axis=1)
            print(f"    {name:52s} {top1.mean():6.3f} {top5.mean():6.3f} {top1[test_key == 'gas'].mean():6.3f} "
                  f"{top1[test_key == 'condensed'].mean():6.3f}")


def _split_lib(libs, splits, which: tuple[int, ...]) -> Library:
    return merge_libraries([libs[k].select(np.flatnonzero(np.isin(splits[k], which))) for k in libs])


def part_novelty(libs, splits, bundle) -> None:
    train = _split_lib(libs, splits, (0,))
    val, test = _split_lib(libs, splits, (1,)), _split_lib(libs, splits, (2,))
    best_val = nearest(train.features, val.features, 1)[1][:, 0]
    print(f"\nnovelty: best score of validation spectra (compounds not in the library) against the "
          f"training library ({len(train)}):")
    print("  percentiles 1/2/5/10/50: " + " ".join(f"{np.percentile(best_val, p):.3f}" for p in (1, 2, 5, 10, 50)))
    print(f"  threshold in core.library.search: {NOVELTY_THRESHOLD:.2f} (flags {np.mean(best_val < NOVELTY_THRESHOLD):.1%}"
          f" of validation spectra)")
    ms = search_model_inputs(test.spectra, train, top=VOTE_K)
    novel = np.array([m.novel for m in ms])
    best = np.array([m.best_score for m in ms])
    print(f"  test split: {novel.mean():.1%} flagged ({novel.sum()} of {len(ms)})")
    vote = np.array([[m.vote[g] >= 0.5 for g in train.group_names] for m in ms])
    for t in sorted({0.3, 0.35, 0.4, NOVELTY_THRESHOLD, 0.45, 0.5}):
        f = best < t
        print(f"    at {t:.2f}: flags {np.mean(best_val < t):.1%} of validation, {f.mean():.1%} of test; k-NN "
              f"F1 flagged {molecular_f1(test.labels[f], vote[f]):.3f} vs others {molecular_f1(test.labels[~f], vote[~f]):.3f}")
    net = network_decisions(bundle, test.spectra)[1]
    for flag, name in ((~novel, "not flagged"), (novel, "flagged")):
        if flag.any():
            print(f"    {name:12s}: k-NN molecular F1 {molecular_f1(test.labels[flag], vote[flag]):.3f}, network "
                  f"{molecular_f1(test.labels[flag], net[flag]):.3f}, median best score {np.median(best[flag]):.3f}")
    rng = np.random.default_rng(0)
    x = train.grid.x
    junk = {"white noise": rng.random((20, x.size)),
            "one narrow band": np.exp(-0.5 * ((x[None, :] - rng.uniform(800, 3800, (20, 1))) / 5) ** 2),
            "smooth ripple": 1 + np.sin(x[None, :] / rng.uniform(50, 400, (20, 1)))}
    for name, X in junk.items():
        ms = search_model_inputs(normalise(X.astype(np.float32)), train)
        best_junk = [m.best_score for m in ms]
        print(f"  {name}: {np.mean([m.novel for m in ms]):.0%} flagged (20 spectra; best scores "
              f"{min(best_junk):.2f}-{max(best_junk):.2f})")


def part_vote(libs, splits, bundle) -> None:
    ref = _split_lib(libs, splits, (0, 1))
    test = _split_lib(libs, splits, (2,))
    idx, scores = nearest(ref.features, test.features, 20)
    p_net, net = network_decisions(bundle, test.spectra)
    phases = np.array(test.phases)
    print(f"\nsecond opinion on the test split ({len(test)} spectra; references: train+val, {len(ref)}):")
    labels = ref.labels[idx].astype(np.float32)
    for k in (1, 5, 10, 20):
        print(f"  plain majority of {k:2d}: k-NN F1 {molecular_f1(test.labels, labels[:, :k].mean(axis=1) >= 0.5):.3f}")
    for k in (5, 10, 20):
        vote = knn_vote(labels, scores, k)
        knn = vote >= 0.5
        comb = (p_net + vote) / 2 >= (bundle.thresholds + 0.5) / 2
        if k != VOTE_K:
            print(f"  weighted vote of {k:2d}: k-NN F1 {molecular_f1(test.labels, knn):.3f}, "
                  f"combined {molecular_f1(test.labels, comb):.3f}")
            continue
        print(f"  chosen: weighted vote of {k} (tau {VOTE_TAU}); combined = mean of network probability and vote "
              f"against the mean of their thresholds")
        print(f"  {'phase':10s} {'n':>5s} {'network':>8s} {'k-NN':>6s} {'combined':>9s} {'agree':>6s} {'all 17':>7s}"
              f"   (molecular F1; agreement per group decision and per spectrum)")
        for ph in ["all"] + sorted(set(phases), key=lambda p: -np.sum(phases == p)):
            sel = np.ones(len(test), bool) if ph == "all" else phases == ph
            y = test.labels[sel]
            print(f"  {ph:10s} {sel.sum():5d} {molecular_f1(y, net[sel]):8.3f} {molecular_f1(y, knn[sel]):6.3f} "
                  f"{molecular_f1(y, comb[sel]):9.3f} {np.mean(net[sel] == knn[sel]):6.3f} "
                  f"{np.mean((net[sel] == knn[sel]).all(axis=1)):7.3f}")


def part_speed(libs) -> None:
    full = merge_libraries([libs["gas"], libs["condensed"]])
    lib10k = full.select(np.arange(10_000))
    _ = lib10k.features
    q = full.spectra[10_500:10_501]
    print("\nspeed (machine shared with other jobs):")
    report("  one query (features + search + vote) vs 10,000 references", timed(lambda: search_model_inputs(q, lib10k), 200))
    cpu0 = time.process_time()
    for _ in range(200):
        search_model_inputs(q, lib10k)
    print(f"  the same, CPU time per query: {(time.process_time() - cpu0) / 200 * 1000:.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        lib_path = Path(tmp) / "lib.h5"
        save_library(lib10k, lib_path)
        with zipfile.ZipFile(SHARED / SOURCES["condensed"][0]) as z:
            names = [n for n in z.namelist() if n.endswith(".jdx")][-150:]
            for n in names:
                (Path(tmp) / Path(n).name).write_bytes(z.read(n))
        one = Path(tmp) / Path(names[0]).name
        report("  one file from disk (read, preprocess, search) vs 10,000 references",
               timed(lambda: search_files([one], lib10k), 100))
        cmd = [sys.executable, "-m", "core.cli.common", "search", tmp, "--library", str(lib_path), "--format", "json"]
        t0 = time.perf_counter()
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        print(f"  irgroups search: 150 files vs 10,000 references, one call incl. start-up: "
              f"{time.perf_counter() - t0:.2f} s (exit {res.returncode})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=str(ROOT / "build" / "bench_cache"))
    ap.add_argument("--parts", default="perturb,novelty,vote,speed")
    args = ap.parse_args()
    if not need_shared():
        return
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    libs = libraries(cache)
    splits = dataset_split(libs)
    parts = args.parts.split(",")
    bundle = None
    if {"perturb", "vote", "novelty"} & set(parts):
        from core.nn.bundle import load_bundle
        from core.data.resources import model_path

        bundle = load_bundle(model_path(None))
    if "perturb" in parts:
        part_perturb(libs, splits, bundle)
    if "novelty" in parts:
        part_novelty(libs, splits, bundle)
    if "vote" in parts:
        part_vote(libs, splits, bundle)
    if "speed" in parts:
        part_speed(libs)


if __name__ == "__main__":
    main()
