"""Label audit: training spectra whose label every ensemble member confidently contradicts.

    python tests/benchmarks/label_audit.py all.h5 [--model DIR] [--out resources/label_audit.csv]

Scores the *training* split with a trained ensemble (default: the shipped model) and lists
each (spectrum, group) where every member's calibrated probability is below 0.1 for a labelled
group, or above 0.9 for an unlabelled one. Each is then checked against the spectrum itself
where a group has one unmistakable band: a labelled carbonyl group (ketone, ester, aldehyde,
acid, acyl halide, amide) with no band at 1630-1870 cm-1 reaching 10 % of the spectrum's
maximum, or a labelled nitrile with none at 2190-2290 cm-1 reaching 3 %, contradicts the
structure: that spectrum is excluded from training (`action=exclude`, with the reason). So is
a spectrum where every member contradicts two or more groups (it is likely of another
compound). The other disagreements are kept (`action=keep`): one contradicted group without a
decisive band is as likely the model's error. Training on the phase-aware recipe leaves the
excluded spectra out (core.data.label_audit). Prints counts by group and kind."""
from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.artifacts.processing import Processing  # noqa: E402
from core.data.dataset import load_dataset  # noqa: E402
from core.data.groups import GROUP_NAMES  # noqa: E402
from core.evaluation.evaluate import corrected_dataset  # noqa: E402
from core.nn.bundle import load_bundle  # noqa: E402
from core.data.resources import default_model_path  # noqa: E402

LOW, HIGH = 0.25, 0.75
CARBONYL = ("ketones", "esters", "aldehydes", "carboxylic acids", "acyl halides", "amides")
# group -> (band low, band high, least peak height as a share of the spectrum's maximum)
BAND_CHECKS = {g: (1630.0, 1870.0, 0.10) for g in CARBONYL} | {"nitriles": (2190.0, 2290.0, 0.03)}


def band_height(x: np.ndarray, y: np.ndarray, valid: np.ndarray, lo: float, hi: float) -> float | None:
    """Highest normalised absorbance in [lo, hi] over measured points; None if not measured."""
    rows = (x >= lo) & (x <= hi) & valid
    return float(y[rows].max()) if rows.sum() >= 3 else None


def audit(path: str, model: str | None) -> list[dict]:
    ds = load_dataset(path)
    train = corrected_dataset(ds.subset("train"), Processing())
    bundle = load_bundle(model or default_model_path())
    _, members = bundle.probabilities(bundle.member_logits(train.model_input(bundle.input_config), train.phases),
                                      train.phases)
    x = train.grid.x
    rows = []
    missed = np.all(members < LOW, axis=0) & (train.labels == 1)
    extra = np.all(members > HIGH, axis=0) & (train.labels == 0)
    for kind, mask in (("labelled, all members say absent", missed), ("unlabelled, all members say present", extra)):
        for i, j in zip(*np.nonzero(mask)):
            group = GROUP_NAMES[j]
            action, reason = "keep", "band check cannot decide"
            if kind.startswith("labelled") and group in BAND_CHECKS:
                lo, hi, least = BAND_CHECKS[group]
                h = band_height(x, train.spectra[i], train.valid[i], lo, hi)
                if h is not None and h < least:
                    action = "exclude"
                    reason = f"no band at {lo:.0f}-{hi:.0f} cm-1 (highest {h:.3f} of max, needs {least})"
                elif h is not None:
                    reason = f"band at {lo:.0f}-{hi:.0f} cm-1 present ({h:.2f} of max): label kept"
            rows.append({"id": train.ids[i], "name": train.names[i], "phase": train.phases[i], "group": group,
                         "label": int(train.labels[i, j]), "kind": kind,
                         "member_p_min": round(float(members[:, i, j].min()), 3),
                         "member_p_max": round(float(members[:, i, j].max()), 3), "action": action, "reason": reason})
    per_spectrum = Counter(r["id"] for r in rows)
    for r in rows:
        if r["action"] == "keep" and per_spectrum[r["id"]] >= 2:
            r["action"] = "exclude"
            r["reason"] = f"{per_spectrum[r['id']]} groups contradicted by every member: likely another compound"
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset")
    ap.add_argument("--model", default=None)
    ap.add_argument("--out", default="resources/label_audit.csv")
    args = ap.parse_args()
    rows = audit(args.dataset, args.model)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["id"])
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} confident disagreements in {len({r['id'] for r in rows})} training spectra -> {args.out}")
    for key in ("kind", "phase", "action"):
        print(f"by {key}: " + ", ".join(f"{k} {n}" for k, n in Counter(r[key] for r in rows).most_common()))
    print("by group (kind): " + ", ".join(f"{g} {n}" for g, n in Counter(
        (r["group"], r["kind"].split(",")[0]) for r in rows).most_common(20)))
    excluded = {r["id"] for r in rows if r["action"] == "exclude"}
    print(f"excluded from training: {len(excluded)} spectra")


if __name__ == "__main__":
    main()
