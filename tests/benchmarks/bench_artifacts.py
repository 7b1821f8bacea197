"""Lab artifacts on held-out condensed spectra: molecular F1 per artifact, clean and with the
artifact, without and with the corrections (`python tests/benchmarks/bench_artifacts.py
[--dataset all.h5] [--model DIR]`).

The spectra are the condensed test split of the dataset builder (compounds the model never saw).
Each gets one artifact, drawn per spectrum from several versions (seeded):
- water vapour, strongest line at 15 % of the spectrum's maximum, and CO2 at 15 %, from references
  degraded as another instrument would record them (Gaussian broadening 0-3 cm-1, line positions
  off by up to 1.5 cm-1, sampled every 1.93 or 4 cm-1);
- a scattering baseline rising toward high wavenumber to 30 % of the maximum (power 1-3);
- white noise of 1 % of the maximum;
- ATR (diamond, 45 degrees, sample index 1.4-1.6) with the dispersion shift of strong bands (up to
  4 cm-1), declared in the file's state as ATR.
"Uncorrected" classifies with every correction off, "corrected" with the defaults (what
`irgroups predict` does).
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from _common import need_shared

DEFAULT_DATASET = Path("/tmp/irgroups_bench/all.h5")
LEVEL_GAS = 0.15


@dataclass(frozen=True)
class Artifact:
    name: str
    state: str  # the ##STATE the file would carry (ATR spectra declare it)

    def apply(self, x, a, rng):
        from core.artifacts.atr import ATRSettings
        from core.artifacts.references import shipped_references
        from core.artifacts.simulate import add_gas, add_noise, add_scattering, atr_distort, degrade

        water, co2 = shipped_references()
        if self.name in ("water vapour", "CO2"):
            ref = water if self.name == "water vapour" else co2
            other = degrade(ref, sigma=rng.uniform(0.0, 3.0), shift=rng.uniform(-1.5, 1.5), step=rng.choice([1.93, 4.0]))
            return add_gas(x, a, other, LEVEL_GAS)
        if self.name == "scattering baseline":
            return add_scattering(x, a, 0.3, power=rng.uniform(1.0, 3.0))
        if self.name == "noise 1%":
            return add_noise(a, 0.01, rng)
        if self.name == "ATR":
            return atr_distort(x, a, ATRSettings("diamond", 45.0, rng.uniform(1.4, 1.6)), shift=rng.uniform(0.0, 4.0))
        return a


ARTIFACTS = (Artifact("clean", ""), Artifact("water vapour", ""), Artifact("CO2", ""),
             Artifact("scattering baseline", ""), Artifact("noise 1%", ""), Artifact("ATR", "ATR (diamond)"))


def spectra_for(ds, rows, artifact: Artifact, seed: int):
    """Spectrum records of dataset rows (measured points only, absorbance) with one artifact."""
    from core.spectra.spectrum import Spectrum

    rng = np.random.default_rng(seed)
    gx = ds.grid.x
    out = []
    for i in rows:
        keep = ds.valid[i]
        x, a = gx[keep], ds.spectra[i][keep].astype(np.float64)
        state = artifact.state or ds.states[i]
        out.append(Spectrum(x=x, y=artifact.apply(x, a, rng), x_units="1/CM", y_units="ABSORBANCE",
                            title=ds.ids[i], meta={"STATE": state} if state else {}, source=ds.ids[i]))
    return out


def molecular_f1(labels, preds, names) -> tuple[float, float]:
    """(molecular F1 from the probabilities' decisions, the same over determined groups only)."""
    from core.metrics.classification import molecular_f1 as f1
    from core.predict.undetermined import determined_mask

    none = np.zeros(len(names), dtype=bool)  # a refused spectrum answers no group
    present = np.array([none if p.present is None else p.present for p in preds])
    keep = determined_mask([p.undetermined for p in preds], names)
    return f1(labels, present), f1(labels & keep, present & keep)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", default=str(DEFAULT_DATASET), help="dataset from `irgroups dataset build` (all phases)")
    ap.add_argument("--model")
    ap.add_argument("--limit", type=int, help="at most this many test spectra (quick runs)")
    args, _ = ap.parse_known_args()
    if not need_shared():
        return
    from core.artifacts.processing import Processing
    from core.data.dataset import load_dataset
    from core.data.resources import model_path
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_spectra

    path = Path(args.dataset)
    if not path.exists():
        print(f"skipped: no dataset at {path} (build one: irgroups dataset build ... --keep-all-states --out {path})")
        return
    ds = load_dataset(path)
    bundle = load_bundle(model_path(args.model))
    rows = np.flatnonzero((ds.split == 2) & (np.asarray(ds.phases) != "gas"))[: args.limit]
    labels = ds.labels[rows].astype(bool)
    names = bundle.group_names
    print(f"{len(rows)} held-out condensed spectra; model {bundle.path}")
    print(f"{'artifact':22s} {'uncorrected':>11s} {'corrected':>9s} {'vs clean':>8s} {'determined':>10s}  corrections applied")
    clean = None
    for k, artifact in enumerate(ARTIFACTS):
        t0 = time.perf_counter()
        spectra = spectra_for(ds, rows, artifact, seed=k)
        off = classify_spectra(spectra, bundle, processing=Processing(atmosphere="off", atr="off", baseline="off"))
        on = classify_spectra(spectra, bundle)
        f_off, _ = molecular_f1(labels, off, names)
        f_on, f_det = molecular_f1(labels, on, names)
        clean = f_on if clean is None else clean
        kinds: dict[str, int] = {}
        for p in on:
            for c in p.corrections:
                key = c.get("gas", c["correction"])
                kinds[key] = kinds.get(key, 0) + 1
        refused = sum(not p.ok for p in on)
        done = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "-"
        done += f"; refused {refused}" if refused else ""
        print(f"{artifact.name:22s} {f_off:11.3f} {f_on:9.3f} {f_on - clean:+8.3f} {f_det:10.3f}  {done}"
              f"   ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
