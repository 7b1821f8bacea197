"""Model files: a folder with `weights.safetensors` and `model.json`. No pickle anywhere.

`model.json` holds the architecture, the input grid and normalisation, the groups (names and
SMARTS), per-group thresholds, the number of ensemble members, the training record and the
SHA-256 of the weights file; loading verifies all of it.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.special import expit

from core import __version__
from core.data.groups import GROUPS
from core.nn.model import IRCNN, ModelConfig
from core.nn.calibration import Calibration
from core.spectra.phase_infer import PhaseInference
from core.spectra.preprocess import Grid, InputConfig, model_input
from core.nn.stacked import StackedIRCNN, stacked_logits

FORMAT = "irgroups-model"
FORMAT_VERSION = 2  # 2 adds input preparation, calibration and phase inference; 1 still loads
WEIGHTS = "weights.safetensors"
META = "model.json"


class BundleError(ValueError):
    """A model file is missing, malformed, mismatched or tampered with."""


@dataclass
class ModelBundle:
    """An ensemble of CNNs with everything needed to turn spectra into group probabilities."""

    members: list[IRCNN]
    grid: Grid
    group_names: tuple[str, ...]
    group_smarts: tuple[str, ...]
    thresholds: np.ndarray
    record: dict = field(default_factory=dict)
    path: str = ""
    member_thresholds: np.ndarray | None = None  # (members, groups): each member's own, for per-seed figures
    input_config: InputConfig = field(default_factory=InputConfig)
    calibration: Calibration | None = None  # None: raw ensemble-mean probabilities at `thresholds`
    phase_inference: PhaseInference | None = None
    _stacked: tuple = field(default=(), init=False, repr=False, compare=False)
    novelty: object | None = None  # core.nn.novelty.NoveltyModel when the folder has novelty files

    @property
    def config(self) -> ModelConfig:
        return self.members[0].cfg

    @property
    def stacked(self) -> StackedIRCNN:
        """All members as one network (built on first use, rebuilt when the member list changes;
        members are not expected to change their weights in place)."""
        key = tuple(id(m) for m in self.members)
        if not self._stacked or self._stacked[0] != key:
            self._stacked = (key, StackedIRCNN.from_members(self.members).eval())
        return self._stacked[1]

    def member_logits(self, x: np.ndarray, phases: list[str] | None = None,
                      on_latent: Callable | None = None) -> np.ndarray:
        """(members, n, groups) logits for model-input spectra (n, grid.n), one pass for all
        members; `phases` choose the head of each spectrum in a model with phase heads;
        `on_latent` gets each chunk's latent matrices from the same pass (`stacked_logits`)."""
        x = np.asarray(x, dtype=np.float32)
        return stacked_logits(self.stacked, x, head=self.config.head_index(phases, len(x)), on_latent=on_latent).numpy()

    def network_input(self, spectra: np.ndarray, valid: np.ndarray, states: list[str],
                      phases: list[str]) -> np.ndarray:
        """The network's input from normalised grid spectra, as this model was trained."""
        return model_input(spectra, valid, states, phases, self.grid, self.input_config)

    def predict(self, x: np.ndarray, phases: list[str] | None = None,
                on_latent: Callable | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities (n, groups) and their spread across members (n, groups)."""
        mean, members = self.probabilities(self.member_logits(x, phases, on_latent), phases)
        return mean, members.std(axis=0)

    def probabilities(self, logits: np.ndarray, phases: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ensemble probabilities (n, groups), member probabilities (members, n, groups)) from
        member logits. With a calibration: sigmoid of the calibrated mean member logit for each
        spectrum's phase, and each member's calibrated probability; else the members' mean."""
        if self.calibration is None:
            members = expit(logits)
            return members.mean(axis=0), members
        a, b = self.calibration.scale_bias(phases or ["unknown"] * logits.shape[1])
        mean = expit(logits.mean(axis=0) * a + b)
        return mean, expit(logits * a + b[None])

    def decide(self, mean: np.ndarray) -> np.ndarray:
        return (mean >= self.thresholds[None, :]).astype(np.uint8)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_bundle(bundle: ModelBundle, path: str | Path) -> Path:
    """Write the model folder atomically (temporary folder, then rename)."""
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".model-", dir=path.parent))
    try:
        tensors = {f"member{i}.{k}": v.detach().contiguous().clone()
                   for i, m in enumerate(bundle.members) for k, v in m.state_dict().items()}
        save_file(tensors, str(tmp / WEIGHTS))
        meta = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "software": f"irgroups {__version__}",
            "architecture": bundle.config.to_dict(), "grid": bundle.grid.to_dict(),
            "normalisation": "resample linearly onto grid, zero outside the measured range, divide by maximum",
            "groups": [{"name": n, "smarts": s} for n, s in zip(bundle.group_names, bundle.group_smarts)],
            "thresholds": [float(t) for t in bundle.thresholds], "members": len(bundle.members),
            "member_thresholds": (None if bundle.member_thresholds is None
                                  else np.asarray(bundle.member_thresholds, dtype=float).tolist()),
            "training": bundle.record, "weights_sha256": _sha256(tmp / WEIGHTS),
            "input": bundle.input_config.to_dict(),
            "calibration": None if bundle.calibration is None else bundle.calibration.to_dict(),
            "phase_inference": None if bundle.phase_inference is None else bundle.phase_inference.to_dict(),
        }
        (tmp / META).write_text(json.dumps(meta, indent=1))
        if bundle.novelty is not None:
            bundle.novelty.save(tmp)
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load_bundle(path: str | Path) -> ModelBundle:
    """Load and verify a model folder (or its model.json)."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    if path.is_file() and path.name == META:
        path = path.parent
    meta_path, weights_path = path / META, path / WEIGHTS
    if not meta_path.is_file() or not weights_path.is_file():
        raise BundleError(f"{path}: not a model folder (needs {META} and {WEIGHTS})")
    try:
        meta = json.loads(meta_path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{meta_path}: malformed JSON ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(f"{meta_path}: not an IR Groups model")
    if meta.get("format_version") not in (1, FORMAT_VERSION):
        raise BundleError(f"{meta_path}: unsupported format version {meta.get('format_version')}")
    if meta.get("weights_sha256") != _sha256(weights_path):
        raise BundleError(f"{weights_path}: checksum mismatch (weights modified or corrupt)")
    try:
        cfg = ModelConfig.from_dict(meta["architecture"])
        grid = Grid.from_dict(meta["grid"])
        names = tuple(str(g["name"]) for g in meta["groups"])
        smarts = tuple(str(g["smarts"]) for g in meta["groups"])
        thresholds = np.asarray(meta["thresholds"], dtype=float)
        n_members = int(meta["members"])
        member_thresholds = (None if meta.get("member_thresholds") is None
                             else np.asarray(meta["member_thresholds"], dtype=float).reshape(n_members, -1))
        input_config = InputConfig.from_dict(meta.get("input"))
        calibration = None if not meta.get("calibration") else Calibration.from_dict(meta["calibration"], len(names))
        phase_inference = None if not meta.get("phase_inference") else PhaseInference.from_dict(meta["phase_inference"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{meta_path}: missing or invalid field ({exc})") from None
    if cfg.in_channels != input_config.in_channels:
        raise BundleError(f"{meta_path}: the input preparation needs {input_config.in_channels} input channels, "
                          f"the architecture has {cfg.in_channels}")
    if cfg.input_length != grid.n:
        raise BundleError(f"{meta_path}: architecture input length {cfg.input_length} != grid size {grid.n}")
    if not (len(names) == len(smarts) == len(thresholds) == cfg.n_groups):
        raise BundleError(f"{meta_path}: group count disagrees with the architecture ({cfg.n_groups})")
    if n_members < 1 or not np.all((thresholds > 0) & (thresholds < 1)):
        raise BundleError(f"{meta_path}: invalid members or thresholds")
    try:
        tensors = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise BundleError(f"{weights_path}: unreadable safetensors ({exc})") from None
    members = []
    for i in range(n_members):
        model = IRCNN(cfg)
        state = {k.split(".", 1)[1]: v for k, v in tensors.items() if k.startswith(f"member{i}.")}
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as exc:
            raise BundleError(f"{weights_path}: member {i} does not fit the architecture ({str(exc)[:200]})") from None
        model.eval()
        members.append(model)
    if member_thresholds is not None and member_thresholds.shape != (n_members, len(names)):
        raise BundleError(f"{meta_path}: member_thresholds has shape {member_thresholds.shape}")
    from core.nn.novelty import NoveltyError, load_novelty

    try:
        novelty = load_novelty(path)
    except NoveltyError as exc:
        raise BundleError(str(exc)) from None
    if novelty is not None and len(novelty.high) != n_members:
        raise BundleError(f"{path}: novelty files are for {len(novelty.high)} members, the model has {n_members}")
    return ModelBundle(members, grid, names, smarts, thresholds, meta.get("training", {}), str(path),
                       member_thresholds, input_config, calibration, phase_inference, novelty)


def make_bundle(results, dataset, record: dict, tune: bool = False) -> ModelBundle:
    """A bundle from trained members (TrainResults). Thresholds: with `tune`, tuned on the
    ensemble's own validation predictions; otherwise the members' mean."""
    from core.metrics.classification import tune_thresholds

    names = tuple(dataset.group_names)
    smarts_by_name = {g.name: g.smarts for g in GROUPS}
    thresholds = np.mean([r.thresholds for r in results], axis=0)
    record = {"date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
              "software": f"irgroups {__version__}", "dataset_hash": dataset.content_hash,
              "split_seed": dataset.provenance.get("split_seed"),
              "epochs": [r.best_epoch for r in results], "seconds": [round(r.seconds, 1) for r in results]} | record
    bundle = ModelBundle([r.model for r in results], dataset.grid, names,
                         tuple(smarts_by_name.get(n, "") for n in names), thresholds, record,
                         member_thresholds=np.stack([r.thresholds for r in results]))
    val = dataset.subset("val")
    if tune and len(val):
        bundle.thresholds = tune_thresholds(val.labels, bundle.predict(val.spectra, val.phases)[0])
    return bundle
