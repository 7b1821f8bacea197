"""Is a spectrum inside what the model was trained on? A novelty score from the model's own view.

Every ensemble member turns a spectrum into its latent matrix (channels x windows), the very
features its linear classifier reads. For each latent cell we keep a high quantile (0.995) and
the spread of its values over the training spectra. A spectrum's novelty for one member is how
far its activations rise above those quantiles, summed over cells in units of the spread: a
band where no training spectrum had one (CO2 at 2349 cm-1, ozone, water's rotational lines)
lights up cells that stayed quiet in training. Members' scores are put on a common scale and
averaged, and the result is divided by its 95th percentile over held-out validation spectra, so
`novelty <= 1` is in domain and at most about 5% of in-domain held-out spectra are flagged.

Measured against the alternatives in tests/benchmarks/novelty_report.py --compare (README): 5-NN
distances on PCA-reduced input or latent matrices separate small inorganic gases from organic
test spectra poorly (ROC AUC 0.56, 0.63); channel-pooled latent 5-NN (0.98) and ensemble
disagreement (0.98) rank about as well as this score (0.96) on those 18 spectra. This score
meets both targets at its validation threshold and needs no reference spectra at run time.

Files: `novelty.safetensors` (per member: quantiles, spreads) and `novelty.json` inside a model
folder. No pickle. A folder without them simply has no novelty model.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "irgroups-novelty"
FORMAT_VERSION = 1
TENSORS = "novelty.safetensors"
META = "novelty.json"
CELL_QUANTILE = 0.995  # per latent cell, over the training spectra
VAL_QUANTILE = 0.95  # share of in-domain validation spectra kept in domain
CHUNK = 1024


class NoveltyError(ValueError):
    """Novelty files are malformed or do not fit the model."""


def member_latents(bundle, x: np.ndarray):
    """(n, channels * positions) latent features of each ensemble member in turn."""
    import torch

    for member in bundle.members:
        parts = []
        with torch.inference_mode():
            for i in range(0, len(x), CHUNK):
                xt = torch.as_tensor(np.asarray(x[i:i + CHUNK], dtype=np.float32))
                parts.append(member.features(xt).flatten(1).numpy())
        yield np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)


def _exceedance(latent: np.ndarray, high: np.ndarray, spread: np.ndarray) -> np.ndarray:
    return (np.clip(latent - high, 0.0, None) / spread).sum(axis=1)


@dataclass
class NoveltyModel:
    """Per-member cell quantiles and spreads, member scales and the validation threshold."""

    high: np.ndarray  # (members, cells)
    spread: np.ndarray  # (members, cells)
    member_scale: np.ndarray  # (members,)
    threshold: float
    info: dict = field(default_factory=dict)

    def raw(self, bundle, x: np.ndarray) -> np.ndarray:
        """Mean over members of the scaled exceedance (before the validation threshold)."""
        if len(bundle.members) != len(self.high):
            raise NoveltyError(f"novelty model has {len(self.high)} members, the model {len(bundle.members)}")
        total = np.zeros(len(x))
        for m, latent in enumerate(member_latents(bundle, x)):
            if len(x) and latent.shape[1] != self.high.shape[1]:
                raise NoveltyError(f"latent size {latent.shape[1]} != novelty model's {self.high.shape[1]}")
            total += _exceedance(latent, self.high[m], self.spread[m]) / self.member_scale[m]
        return total / len(self.high)

    def score(self, bundle, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(novelty scores, in-domain flags) for model-input spectra (n, grid.n);
        in domain means novelty <= 1."""
        scores = self.raw(bundle, x) / self.threshold
        return scores, scores <= 1.0

    def save(self, folder: str | Path) -> None:
        """Write novelty.safetensors and novelty.json into a model folder."""
        from safetensors.numpy import save_file

        folder = Path(folder)
        save_file({"high": self.high.astype(np.float32), "spread": self.spread.astype(np.float32),
                   "member_scale": self.member_scale.astype(np.float64)}, str(folder / TENSORS))
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "threshold": float(self.threshold),
                "tensors_sha256": hashlib.sha256((folder / TENSORS).read_bytes()).hexdigest()} | self.info
        (folder / META).write_text(json.dumps(meta, indent=1))


def fit_novelty(bundle, train_x: np.ndarray, val_x: np.ndarray) -> NoveltyModel:
    """Fit on in-domain training spectra; set the threshold on in-domain validation spectra so
    that a share VAL_QUANTILE of them stays in domain."""
    if len(train_x) < 50 or len(val_x) < 20:
        raise NoveltyError(f"need at least 50 training and 20 validation spectra (got {len(train_x)}, {len(val_x)})")
    highs, spreads, scales, val_total = [], [], [], np.zeros(len(val_x))
    for train_latent, val_latent in zip(member_latents(bundle, train_x), member_latents(bundle, val_x)):
        high = np.quantile(train_latent, CELL_QUANTILE, axis=0)
        spread = train_latent.std(axis=0) + 1e-3
        val_score = _exceedance(val_latent, high, spread)
        scale = max(float(np.quantile(val_score, VAL_QUANTILE)), 1e-6)
        highs.append(high)
        spreads.append(spread)
        scales.append(scale)
        val_total += val_score / scale
    val_total /= len(highs)
    threshold = max(float(np.quantile(val_total, VAL_QUANTILE)), 1e-6)
    info = {"method": "latent exceedance: per member, sum over latent cells of (activation - training "
                      f"{CELL_QUANTILE} quantile)+ / training sd; members scaled and averaged",
            "cell_quantile": CELL_QUANTILE, "val_quantile": VAL_QUANTILE, "members": len(highs),
            "n_train": int(len(train_x)), "n_val": int(len(val_x)),
            "val_flagged": float(np.mean(val_total / threshold > 1.0))}
    return NoveltyModel(np.stack(highs), np.stack(spreads), np.asarray(scales), threshold, info)


def load_novelty(folder: str | Path) -> NoveltyModel | None:
    """The novelty model stored in a model folder, or None when the folder has none."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    folder = Path(folder)
    meta_path, tensor_path = folder / META, folder / TENSORS
    if not meta_path.is_file() or not tensor_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
            raise NoveltyError(f"{meta_path}: not an IR Groups novelty file")
        if meta.get("tensors_sha256") != hashlib.sha256(tensor_path.read_bytes()).hexdigest():
            raise NoveltyError(f"{tensor_path}: checksum mismatch (modified or corrupt)")
        t = load_file(str(tensor_path))
        model = NoveltyModel(t["high"], t["spread"], t["member_scale"], float(meta["threshold"]),
                             {k: v for k, v in meta.items() if k not in ("format", "format_version", "threshold",
                                                                          "tensors_sha256")})
    except (ValueError, KeyError, TypeError, OSError, SafetensorError) as exc:
        raise NoveltyError(f"{folder}: unusable novelty files ({exc})") from None
    if model.high.shape != model.spread.shape or model.member_scale.shape != (len(model.high),):
        raise NoveltyError(f"{tensor_path}: inconsistent shapes")
    return model


def organic_mask(identifiers: list[str]) -> np.ndarray:
    """True for organic molecules (a carbon bonded to H, C or a halogen): the reference set for
    fitting. CO, CO2, CS2, water, ammonia and other inorganic molecules are False."""
    from rdkit import Chem

    from core.groups import mol_from_identifier

    def organic(identifier: str) -> bool:
        mol = mol_from_identifier(identifier)
        if mol is None:
            return False
        mol = Chem.AddHs(mol)
        return any(a.GetSymbol() == "C" and any(n.GetSymbol() in ("H", "C", "F", "Cl", "Br", "I")
                                                for n in a.GetNeighbors()) for a in mol.GetAtoms())

    return np.array([organic(i) for i in identifiers], dtype=bool)


def fit_for_dataset(bundle, dataset) -> NoveltyModel:
    """Fit on the organic spectra of a dataset's train split, threshold on its validation split."""
    keep = organic_mask(dataset.identifiers)
    x = dataset.model_input(bundle.input_config)
    train = x[keep & (dataset.split == 0)]
    val = x[keep & (dataset.split == 1)]
    model = fit_novelty(bundle, train, val)
    model.info |= {"dataset_hash": dataset.content_hash, "reference": "organic molecules of the train split"}
    return model
