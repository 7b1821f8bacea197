"""Which kinds of a group does the model miss? Recall of one of the 17 groups by the finer SMARTS
inside it (core.data.fine_groups), per phase group, on the validation and test splits.

    python tests/benchmarks/fine_recall.py all.h5 [--group "alkyl halides"] [--model MODEL_DIR]

For each fine SMARTS: the spectra labelled with the group that also match it, and how many of
them the model calls present (with the default corrections, as prediction sees spectra)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.data.dataset import load_dataset  # noqa: E402
from core.data.fine_groups import FINE_NAMES, fine_labels  # noqa: E402
from core.data.resources import model_path  # noqa: E402
from core.nn.bundle import load_bundle  # noqa: E402
from core.spectra.phase import CONDENSED  # noqa: E402
from medium_temperature import calibrated_logits  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--group", default="alkyl halides")
    ap.add_argument("--model", help="the model (default: the bundled one)")
    args = ap.parse_args()
    bundle = load_bundle(model_path(args.model))
    ds = load_dataset(args.dataset)
    j = ds.group_names.index(args.group)
    print(f"| split | phase | fine SMARTS | {args.group} positives | found | recall |")
    print("|---|---|---|---|---|---|")
    for split in ("val", "test"):
        s = ds.subset(split)
        z, y, phases = calibrated_logits(bundle, s)
        positive, found = y[:, j] > 0, z[:, j] >= 0
        fine = fine_labels(s.identifiers)
        for name, rows in [("gas", phases == "gas"), ("condensed", np.isin(phases, CONDENSED))]:
            for k, fine_name in enumerate(FINE_NAMES):
                r = rows & positive & (fine[:, k] > 0)
                if r.any():
                    print(f"| {split} | {name} | {fine_name} | {r.sum()} | {(r & found).sum()} | {(r & found).sum() / r.sum():.2f} |")


if __name__ == "__main__":
    main()
