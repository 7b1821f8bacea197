"""Is a spectrum inside what the model was trained on? A novelty score from the model's own view.

Every ensemble member turns a spectrum into its latent matrix (channels x windows), the very
features its linear classifier reads. Two views of those features are combined:
- exceedance: for each latent cell we keep a high quantile (0.995) and the spread of its values
  over the training spectra; a spectrum's score for one member is how far its activations rise
  above those quantiles, summed over cells in units of the spread (a band where no training
  spectrum had one, such as CO2 at 2349 cm-1, lights up cells that stayed quiet in training).
  Members' scores are put on a common scale and averaged.
- neighbours: each channel's mean and maximum over the windows, for every member, standardised;
  the mean distance to the 5 nearest training spectra (the reference, stored as float16). This
  catches spectra built only from familiar patterns in unfamiliar proportions (ammonia, SO2).
Each is divided by its 97.5th percentile over held-out validation spectra; the novelty is the
larger of the two, divided by its own 95th percentile over those spectra, so `novelty <= 1` is in
domain and about 5% of in-domain held-out spectra are flagged.

Measured with tests/benchmarks/novelty_report.py (README): on the combined gas + condensed split
the exceedance alone keeps 94.3% of organic test spectra in domain and leaves ammonia, SO2 and
SF6 in domain; the combination keeps 95.4% (gas 97.6%) and flags all 8 small inorganic gases.

Files: `novelty.safetensors` (per member: quantiles, spreads; the reference) and `novelty.json`
inside a model folder. No pickle. A folder without them simply has no novelty model; format 1
files (exceedance only) still load.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT = "irgroups-novelty"
FORMAT_VERSION = 2  # 2 adds the nearest-neighbour reference
TENSORS = "novelty.safetensors"
META = "novelty.json"
CELL_QUANTILE = 0.995  # per latent cell, over the training spectra
VAL_QUANTILE = 0.95  # share of in-domain validation spectra kept in domain
PART_QUANTILE = 0.975  # each view's scale on the validation spectra, before they are combined
NEIGHBOURS = 5
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


def _pooled(latent: np.ndarray, channels: int) -> np.ndarray:
    """(n, 2 * channels): each channel's mean and maximum over the windows."""
    z = latent.reshape(len(latent), channels, -1)
    return np.concatenate([z.mean(axis=-1), z.max(axis=-1)], axis=1)


def _chunk_views(latent: np.ndarray, high: np.ndarray, spread: np.ndarray,
                 member_scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both views of one chunk's latent matrices (members, n, channels, positions): the
    members' mean scaled exceedance (n,) and every member's pooled features side by side
    (n, members * 2 * channels)."""
    members, n, channels = latent.shape[:3]
    if members != len(high):
        raise NoveltyError(f"novelty model has {len(high)} members, the model {members}")
    flat = latent.reshape(members, n, -1)
    if flat.shape[2] != high.shape[1]:
        raise NoveltyError(f"latent size {flat.shape[2]} != novelty model's {high.shape[1]}")
    exc = np.mean([_exceedance(flat[m], high[m], spread[m]) / member_scale[m] for m in range(members)], axis=0)
    return exc, np.concatenate([_pooled(flat[m], channels) for m in range(members)], axis=1)


def _views(bundle, x: np.ndarray, high: np.ndarray, spread: np.ndarray,
           member_scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both views (`_chunk_views`) of model-input spectra, one pass of the stacked network per chunk."""
    import torch

    members, channels = len(bundle.members), bundle.members[0].n_channels
    parts = [(np.zeros(0), np.zeros((0, members * 2 * channels), np.float32))]
    with torch.inference_mode():
        for i in range(0, len(x), CHUNK):
            xt = torch.as_tensor(np.asarray(x[i:i + CHUNK], dtype=np.float32))
            parts.append(_chunk_views(bundle.stacked.features(xt).numpy(), high, spread, member_scale))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _reference(ref: np.ndarray):
    """The neighbour reference as a torch matrix with its rows' squared norms."""
    import torch

    r = torch.as_tensor(np.asarray(ref, dtype=np.float32))
    return r, (r ** 2).sum(dim=1)


def _neighbour_distance(features: np.ndarray, reference, k: int = NEIGHBOURS) -> np.ndarray:
    """Mean Euclidean distance of each row to its k nearest rows of `reference` (from
    `_reference`). Computed with torch, on the thread pool the network uses: numpy's BLAS would
    start a second pool of threads that fights torch's for the cores (single files took 116 ms
    instead of 20 on 2 cores)."""
    import torch

    r, r2 = reference
    out = [torch.zeros(0)]
    with torch.inference_mode():
        for i in range(0, len(features), 256):
            q = torch.as_tensor(np.asarray(features[i:i + 256], dtype=np.float32))
            d2 = (q ** 2).sum(dim=1)[:, None] + r2[None, :] - 2.0 * q @ r.T
            near = torch.topk(d2, min(k, r.shape[0]), dim=1, largest=False).values
            out.append(near.clamp_min(0.0).sqrt().mean(dim=1))
    return torch.cat(out).double().numpy()


@dataclass
class NoveltyModel:
    """Per-member cell quantiles and spreads, member scales, the neighbour reference (format 2)
    with its standardisation, each view's validation scale and the validation threshold."""

    high: np.ndarray  # (members, cells)
    spread: np.ndarray  # (members, cells)
    member_scale: np.ndarray  # (members,)
    threshold: float
    info: dict = field(default_factory=dict)
    ref: np.ndarray | None = None  # (reference spectra, members * 2 * channels), standardised (stored as float16)
    ref_mean: np.ndarray | None = None
    ref_sd: np.ndarray | None = None
    view_scale: np.ndarray = field(default_factory=lambda: np.ones(2))  # exceedance, neighbours
    _ref_torch: tuple | None = field(default=None, init=False, repr=False, compare=False)  # built on first use

    def raw(self, bundle, x: np.ndarray) -> np.ndarray:
        """The combined score before the validation threshold (format 1: exceedance only)."""
        return self._combine(*_views(bundle, x, self.high, self.spread, self.member_scale))

    def chunk_views(self, latent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Both views of one chunk's latent matrices (members, n, channels, positions), e.g.
        from the pass that computed the probabilities (`ModelBundle.predict(on_latent=...)`)."""
        return _chunk_views(latent, self.high, self.spread, self.member_scale)

    def score_views(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """(novelty scores, in-domain flags) from the chunks' views (`chunk_views`), in order."""
        scores = self._combine(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))
        scores = scores / self.threshold
        return scores, scores <= 1.0

    def _combine(self, exc: np.ndarray, pooled: np.ndarray) -> np.ndarray:
        if self.ref is None:
            return exc
        features = (pooled - self.ref_mean) / self.ref_sd
        if self._ref_torch is None:
            self._ref_torch = _reference(self.ref)
        return np.maximum(exc / self.view_scale[0], _neighbour_distance(features, self._ref_torch) / self.view_scale[1])

    def score(self, bundle, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(novelty scores, in-domain flags) for model-input spectra (n, grid.n);
        in domain means novelty <= 1."""
        return self.score_views([_views(bundle, x, self.high, self.spread, self.member_scale)])

    def save(self, folder: str | Path) -> None:
        """Write novelty.safetensors and novelty.json into a model folder."""
        from safetensors.numpy import save_file

        folder = Path(folder)
        tensors = {"high": self.high.astype(np.float32), "spread": self.spread.astype(np.float32),
                   "member_scale": self.member_scale.astype(np.float64)}
        if self.ref is not None:
            tensors |= {"ref": self.ref.astype(np.float16), "ref_mean": self.ref_mean.astype(np.float32),
                        "ref_sd": self.ref_sd.astype(np.float32), "view_scale": self.view_scale.astype(np.float64)}
        save_file(tensors, str(folder / TENSORS))
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "threshold": float(self.threshold),
                "tensors_sha256": hashlib.sha256((folder / TENSORS).read_bytes()).hexdigest()} | self.info
        (folder / META).write_text(json.dumps(meta, indent=1))


def fit_novelty(bundle, train_x: np.ndarray, val_x: np.ndarray) -> NoveltyModel:
    """Fit on in-domain training spectra; scale each view and set the threshold on in-domain
    validation spectra so that a share VAL_QUANTILE of them stays in domain."""
    if len(train_x) < 50 or len(val_x) < 20:
        raise NoveltyError(f"need at least 50 training and 20 validation spectra (got {len(train_x)}, {len(val_x)})")
    highs, spreads, scales, val_exc = [], [], [], np.zeros(len(val_x))
    train_pooled, val_pooled = [], []
    channels = bundle.members[0].n_channels
    for train_latent, val_latent in zip(member_latents(bundle, train_x), member_latents(bundle, val_x)):
        high = np.quantile(train_latent, CELL_QUANTILE, axis=0)
        spread = train_latent.std(axis=0) + 1e-3
        val_score = _exceedance(val_latent, high, spread)
        scale = max(float(np.quantile(val_score, VAL_QUANTILE)), 1e-6)
        highs.append(high)
        spreads.append(spread)
        scales.append(scale)
        val_exc += val_score / scale
        train_pooled.append(_pooled(train_latent, channels))
        val_pooled.append(_pooled(val_latent, channels))
    val_exc /= len(highs)
    ref = np.concatenate(train_pooled, axis=1)
    mean, sd = ref.mean(axis=0), ref.std(axis=0) + 1e-6
    ref = ((ref - mean) / sd).astype(np.float16).astype(np.float32)  # the values the file will hold
    val_knn = _neighbour_distance((np.concatenate(val_pooled, axis=1) - mean) / sd, _reference(ref))
    view_scale = np.array([max(float(np.quantile(v, PART_QUANTILE)), 1e-6) for v in (val_exc, val_knn)])
    val_total = np.maximum(val_exc / view_scale[0], val_knn / view_scale[1])
    threshold = max(float(np.quantile(val_total, VAL_QUANTILE)), 1e-6)
    info = {"method": "the larger of two views of the latent matrices, each scaled by its validation "
                      f"{PART_QUANTILE} quantile: exceedance (per member, sum over latent cells of (activation - "
                      f"training {CELL_QUANTILE} quantile)+ / training sd; members scaled and averaged) and "
                      f"neighbours (mean distance to the {NEIGHBOURS} nearest training spectra in standardised "
                      "channel mean/max features of every member)",
            "cell_quantile": CELL_QUANTILE, "val_quantile": VAL_QUANTILE, "part_quantile": PART_QUANTILE,
            "neighbours": NEIGHBOURS, "members": len(highs), "n_train": int(len(train_x)), "n_val": int(len(val_x)),
            "val_flagged": float(np.mean(val_total / threshold > 1.0))}
    return NoveltyModel(np.stack(highs), np.stack(spreads), np.asarray(scales), threshold, info, ref,
                        mean.astype(np.float32), sd.astype(np.float32), view_scale)


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
        if meta.get("format") != FORMAT or meta.get("format_version") not in (1, FORMAT_VERSION):
            raise NoveltyError(f"{meta_path}: not an IR Groups novelty file")
        if meta.get("tensors_sha256") != hashlib.sha256(tensor_path.read_bytes()).hexdigest():
            raise NoveltyError(f"{tensor_path}: checksum mismatch (modified or corrupt)")
        t = load_file(str(tensor_path))
        info = {k: v for k, v in meta.items() if k not in ("format", "format_version", "threshold", "tensors_sha256")}
        model = NoveltyModel(t["high"], t["spread"], t["member_scale"], float(meta["threshold"]), info)
        if meta["format_version"] >= 2:
            model.ref, model.ref_mean, model.ref_sd = t["ref"].astype(np.float32), t["ref_mean"], t["ref_sd"]
            model.view_scale = t["view_scale"]
    except (ValueError, KeyError, TypeError, OSError, SafetensorError) as exc:
        raise NoveltyError(f"{folder}: unusable novelty files ({exc})") from None
    if model.high.shape != model.spread.shape or model.member_scale.shape != (len(model.high),):
        raise NoveltyError(f"{tensor_path}: inconsistent shapes")
    if model.ref is not None and (model.ref_mean.shape != (model.ref.shape[1],) or model.ref_sd.shape != model.ref_mean.shape
                                  or model.view_scale.shape != (2,)):
        raise NoveltyError(f"{tensor_path}: inconsistent reference shapes")
    return model


def organic_mask(identifiers: list[str]) -> np.ndarray:
    """True for organic molecules (a carbon bonded to H, C or a halogen): the reference set for
    fitting. CO, CO2, CS2, water, ammonia and other inorganic molecules are False."""
    from rdkit import Chem

    from core.data.groups import mol_from_identifier

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
