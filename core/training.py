"""Training: the paper's recipe (re-weighted BCE, Adam, early stopping) and optional extras
(augmentation, tuned thresholds), with progress events and cooperative cancellation."""
from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

from core.dataset import Dataset
from core.metrics import evaluate_predictions, tune_thresholds
from core.model import IRCNN, ModelConfig


@dataclass
class TrainConfig:
    """Hyper-parameters. `recipe='paper'` is the published baseline; 'improved' adds
    augmentation and validation-tuned thresholds."""

    max_epochs: int = 200
    batch_size: int = 64
    learning_rate: float = 1e-3
    patience: int = 5
    seed: int = 0
    augment: bool = False
    tune_thresholds: bool = False
    threads: int = 2

    @classmethod
    def recipe(cls, name: str, **overrides) -> "TrainConfig":
        if name == "paper":
            base = cls()
        elif name == "improved":
            base = cls(augment=True, tune_thresholds=True, patience=10)
        else:
            raise ValueError(f"unknown recipe {name!r}; use paper or improved")
        return cls(**(asdict(base) | overrides))


@dataclass
class TrainEvent:
    """Progress report sent to the callback after every batch ('batch') and epoch ('epoch')."""

    kind: str
    seed: int
    epoch: int
    batch: int
    n_batches: int
    train_loss: float
    val_loss: float | None = None
    val_metrics: dict | None = None
    elapsed: float = 0.0
    eta: float | None = None
    best_epoch: int | None = None


@dataclass
class TrainResult:
    model: IRCNN
    thresholds: np.ndarray
    best_epoch: int
    best_val_loss: float
    history: list[dict] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0


def class_weights(labels: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-group weights for positives (1/p) and negatives (1/(1-p)), p = positive share:
    w = ((1-p) y + p (1-y)) / (p (1-p)) so rare groups count as much as common ones."""
    p = np.clip(labels.mean(axis=0), 1e-3, 1 - 1e-3)
    return torch.tensor(1.0 / p, dtype=torch.float32), torch.tensor(1.0 / (1.0 - p), dtype=torch.float32)


def weighted_bce(logits: torch.Tensor, y: torch.Tensor, w_pos: torch.Tensor, w_neg: torch.Tensor) -> torch.Tensor:
    w = y * w_pos + (1 - y) * w_neg
    return (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).mean()


def augment_batch(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Small random shifts (up to 2 grid points), noise and a baseline tilt, renormalised."""
    n, length = x.shape
    shifts = torch.randint(-2, 3, (n,), generator=gen)
    idx = (torch.arange(length)[None, :] - shifts[:, None]).clamp(0, length - 1)
    out = torch.gather(x, 1, idx)
    ramp = torch.linspace(-0.5, 0.5, length)[None, :]
    out = out + (torch.rand(n, 1, generator=gen) - 0.5) * 0.04 * ramp
    out = out + torch.randn(out.shape, generator=gen) * 0.005
    return out / out.amax(dim=1, keepdim=True).clamp_min(1e-6)


def predict_logits(model: IRCNN, x: np.ndarray | torch.Tensor, batch: int = 2048) -> np.ndarray:
    model.eval()
    xt = torch.as_tensor(x, dtype=torch.float32)
    with torch.inference_mode():
        return torch.cat([model(xt[i:i + batch]) for i in range(0, len(xt), batch)]).numpy()


def predict_proba(model: IRCNN, x: np.ndarray | torch.Tensor) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-predict_logits(model, x)))


class Trainer:
    """Trains one model; `stop()` (from any thread) ends training after the current batch,
    keeping the best weights so far."""

    def __init__(self, dataset: Dataset, config: TrainConfig | None = None,
                 model_config: ModelConfig | None = None,
                 callback: Callable[[TrainEvent], None] | None = None):
        self.dataset = dataset
        self.config = config or TrainConfig()
        self.model_config = model_config or ModelConfig(input_length=dataset.grid.n,
                                                        n_groups=len(dataset.group_names))
        self.callback = callback
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> TrainResult:
        cfg = self.config
        torch.set_num_threads(cfg.threads)
        torch.manual_seed(cfg.seed)
        gen = torch.Generator().manual_seed(cfg.seed)
        train, val = self.dataset.subset("train"), self.dataset.subset("val")
        if len(train) == 0 or len(val) == 0:
            raise ValueError("the dataset needs both training and validation spectra")
        xt, yt = torch.from_numpy(train.spectra), torch.from_numpy(train.labels.astype(np.float32))
        xv, yv = torch.from_numpy(val.spectra), torch.from_numpy(val.labels.astype(np.float32))
        w_pos, w_neg = class_weights(train.labels)
        model = IRCNN(self.model_config)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
        n_batches = (len(xt) + cfg.batch_size - 1) // cfg.batch_size
        best_state, best_loss, best_epoch, since_best = None, float("inf"), 0, 0
        history: list[dict] = []
        t0 = time.perf_counter()
        epoch_times: list[float] = []
        cancelled = False
        for epoch in range(1, cfg.max_epochs + 1):
            te = time.perf_counter()
            model.train()
            order = torch.randperm(len(xt), generator=gen)
            total = 0.0
            for b in range(n_batches):
                if self._stop.is_set():
                    cancelled = True
                    break
                idx = order[b * cfg.batch_size:(b + 1) * cfg.batch_size]
                xb = augment_batch(xt[idx], gen) if cfg.augment else xt[idx]
                loss = weighted_bce(model(xb), yt[idx], w_pos, w_neg)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
                if self.callback:
                    per_batch = (time.perf_counter() - te) / (b + 1)
                    self.callback(TrainEvent("batch", cfg.seed, epoch, b + 1, n_batches, loss.item(),
                                             elapsed=time.perf_counter() - t0,
                                             eta=per_batch * (n_batches - b - 1)))
            if cancelled:
                break
            logits = torch.from_numpy(predict_logits(model, xv))
            val_loss = weighted_bce(logits, yv, w_pos, w_neg).item()
            prob = torch.sigmoid(logits).numpy()
            vm = evaluate_predictions(val.labels, prob, np.full(prob.shape[1], 0.5), val.group_names)
            summary = {"epoch": epoch, "train_loss": total / len(xt), "val_loss": val_loss,
                       "val_molecular_f1": vm["molecular_f1"], "val_perfection": vm["molecular_perfection"]}
            history.append(summary)
            if val_loss < best_loss - 1e-6:
                best_loss, best_epoch, since_best = val_loss, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                since_best += 1
            epoch_times.append(time.perf_counter() - te)
            if self.callback:
                eta = float(np.mean(epoch_times[-5:])) * max(cfg.patience - since_best, 0)
                self.callback(TrainEvent("epoch", cfg.seed, epoch, n_batches, n_batches, summary["train_loss"],
                                         val_loss, {k: summary[k] for k in ("val_molecular_f1", "val_perfection")},
                                         time.perf_counter() - t0, eta, best_epoch))
            if since_best >= cfg.patience:
                break
        if best_state is None:
            raise InterruptedError("training stopped before the first epoch finished; nothing to keep")
        model.load_state_dict(best_state)
        model.eval()
        thresholds = np.full(model.cfg.n_groups, 0.5)
        if cfg.tune_thresholds:
            thresholds = tune_thresholds(val.labels, predict_proba(model, val.spectra))
        return TrainResult(model, thresholds, best_epoch, best_loss, history, cancelled,
                           time.perf_counter() - t0)


def train_ensemble(dataset: Dataset, seeds: list[int], config: TrainConfig | None = None,
                   callback: Callable[[TrainEvent], None] | None = None,
                   trainer_hook: Callable[[Trainer], None] | None = None) -> list[TrainResult]:
    """Train one model per seed; `trainer_hook` receives each Trainer (e.g. to stop it)."""
    config = config or TrainConfig()
    results = []
    for seed in seeds:
        trainer = Trainer(dataset, TrainConfig(**(asdict(config) | {"seed": seed})), callback=callback)
        if trainer_hook:
            trainer_hook(trainer)
        result = trainer.run()
        results.append(result)
        if result.cancelled:
            break
    return results
