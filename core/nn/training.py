"""Training: the paper's recipe (re-weighted BCE, Adam, early stopping) and optional extras
(augmentation, tuned thresholds), with progress events and cooperative cancellation."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.special import expit
import torch
from torch import nn

from core.artifacts.simulate import grid_bank
from core.data.augment import ArtifactBank, Mixing, MullMasking, ShiftedRows, mix_members
from core.data.dataset import Dataset
from core.data.fine_groups import FINE_NAMES, fine_labels
from core.nn.recipes import CHANNELS, CLASS_WEIGHT_POWER, DILATION, GAMMA, INPUT_POWER, KERNEL, MAX_SHIFT, RECIPES
from core.metrics.classification import molecular_f1, molecular_perfection, tune_thresholds
from core.nn.member_groups import MemberGroup, group_count, initial_groups, regroup
from core.nn.model import IRCNN, ModelConfig
from core.nn.stacked import StackedIRCNN, stacked_logits
from core.spectra.phase import medium_keep


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
    max_shift: int = 2  # augmentation: random shift of up to this many grid points
    gamma: float = 0.0  # augmentation: intensities raised to exp(U(-gamma, gamma)) (path length, saturation)
    artifacts: bool = False  # augmentation: lab artifacts too (water, CO2, scattering, ATR, noise levels)
    mask: bool = False  # input: a mask channel for unmeasured and mulling-agent regions
    calibrate: bool = False  # calibrate probabilities on validation data (present = p >= 0.5)
    phase_heads: bool = False  # then fine-tune one dense head per phase group on frozen encoders (core.nn.heads)
    class_weight_power: float = 1.0  # loss weights p^-power for positives, (1-p)^-power for negatives (1: the paper's)
    channels: tuple[int, ...] = (4, 4, 8, 8)  # the network's conv channels (ModelConfig; the paper's)
    kernel: int = 3  # and its conv kernel size
    pool_after: tuple[bool, ...] = (False, True, False, True)  # conv blocks that end in a 2x max-pool
    dilation: tuple[int, ...] = ()  # each conv block's dilation (() = 1 everywhere)
    condensed_weight: float = 1.0  # loss weight of condensed-phase spectra relative to gas spectra
    input_power: float = 1.0  # input: intensities raised to this power (core.spectra.preprocess.InputConfig)
    label_audit: bool = False  # leave out the training spectra the recorded label audit excludes (core.data.label_audit)
    aux_targets: bool = False  # also train on the finer groups (core.data.fine_groups), dropped afterwards
    mull_p: float = 0.0  # augmentation: the share of training spectra seen as Nujol mulls (mask channel)
    mix_p: float = 0.0  # augmentation: the share of training spectra replaced by two-compound mixtures
    latent_dropout: float = 0.0  # training: latent entries zeroed with this probability before the dense layer

    @classmethod
    def recipe(cls, name: str, **overrides) -> "TrainConfig":
        if name == "paper":
            base = cls()
        elif name == "improved":
            base = cls(augment=True, tune_thresholds=True, patience=10)
        elif name == "phase-aware":
            base = cls(augment=True, artifacts=True, patience=10, mask=True, calibrate=True, gamma=GAMMA, max_shift=MAX_SHIFT,
                       phase_heads=True, class_weight_power=CLASS_WEIGHT_POWER, channels=CHANNELS, kernel=KERNEL,
                       dilation=DILATION, input_power=INPUT_POWER, label_audit=True)
        else:
            raise ValueError(f"unknown recipe {name!r}; use {', '.join(RECIPES)}")
        return cls(**(asdict(base) | overrides))


@dataclass
class TrainEvent:
    """Progress report sent to the callback after every batch ('batch', counted and sent by the
    first group of members, from its thread) and epoch ('epoch').

    All members train together, so one event covers the members still training (`active` of
    `members`): losses and validation metrics are their means, `best_epoch` the latest of
    their best epochs, `eta` the time until the slowest of them can stop at the earliest.
    `seed` is the run's first seed (constant through a run); `member_val_losses` gives each
    member's validation loss in seed order (None for members that have already stopped)."""

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
    members: int = 1
    active: int = 1
    member_val_losses: list[float | None] | None = None


@dataclass
class TrainResult:
    """One trained member: its model at the best epoch, thresholds and per-epoch history."""

    model: IRCNN
    thresholds: np.ndarray
    best_epoch: int
    best_val_loss: float
    history: list[dict] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    seed: int = 0


def class_weights(labels: np.ndarray, power: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-group weights for positives p^-power and negatives (1-p)^-power, p = positive share.

    power 1 is the paper's w = ((1-p) y + p (1-y)) / (p (1-p)): rare groups count as much as
    common ones. A smaller power softens that (0: plain BCE); the weights are then scaled so a
    group's positives and negatives carry 2 on average over the groups, as at power 1."""
    p = np.clip(labels.mean(axis=0), 1e-3, 1 - 1e-3)
    if power == 1.0:  # the paper's weights with the paper's arithmetic, so its recipes train bit for bit as before
        return torch.tensor(1.0 / p, dtype=torch.float32), torch.tensor(1.0 / (1.0 - p), dtype=torch.float32)
    w_pos, w_neg = p ** -power, (1.0 - p) ** -power
    scale = 2.0 / (p * w_pos + (1.0 - p) * w_neg).mean()
    return torch.tensor(w_pos * scale, dtype=torch.float32), torch.tensor(w_neg * scale, dtype=torch.float32)


def weighted_bce(logits: torch.Tensor, y: torch.Tensor, w_pos: torch.Tensor, w_neg: torch.Tensor) -> torch.Tensor:
    w = y * w_pos + (1 - y) * w_neg
    return (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).mean()


def member_bce(logits: torch.Tensor, y: torch.Tensor, w_pos: torch.Tensor, w_neg: torch.Tensor,
               sample_weight: torch.Tensor | None = None) -> torch.Tensor:
    """`weighted_bce` of each member: logits and labels (M, n, groups) -> (M,) losses;
    `sample_weight` (M, n) scales each spectrum's terms."""
    w = y * w_pos + (1 - y) * w_neg
    if sample_weight is not None:
        w = w * sample_weight[..., None]
    return (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).mean(dim=(1, 2))


def predict_logits(model: IRCNN, x: np.ndarray | torch.Tensor, batch: int = 2048,
                   head: np.ndarray | None = None) -> np.ndarray:
    """One model's logits (n, groups); `head` (n,) picks each spectrum's head in a model with phase heads."""
    model.eval()
    xt = torch.as_tensor(x, dtype=torch.float32)
    with torch.inference_mode():
        return torch.cat([model(xt[i:i + batch], None if head is None else head[i:i + batch])
                          for i in range(0, len(xt), batch)]).numpy()


def predict_proba(model: IRCNN, x: np.ndarray | torch.Tensor) -> np.ndarray:
    return expit(predict_logits(model, x))


@dataclass
class _Member:
    """Book-keeping of one member during a run."""

    seed: int
    gen: torch.Generator
    best_state: dict | None = None
    best_loss: float = float("inf")
    best_epoch: int = 0
    since_best: int = 0
    done: bool = False
    seconds: float = 0.0
    history: list[dict] = field(default_factory=list)


class EnsembleTrainer:
    """Trains one member per seed in stacked networks (`StackedIRCNN`), one group of members
    per thread (`core.nn.member_groups`; a group runs a whole epoch in its thread, and the groups
    meet only for validation): member i is initialised as `IRCNN` after
    `torch.manual_seed(seeds[i])` (or, fine-tuning, from `init_models[i]`) and draws its data
    order and augmentation from its own generator seeded with seeds[i]; the loss is the sum of the members' losses, so each
    member's gradients are its own. A member whose validation loss has not improved for
    `patience` epochs stops: it leaves its group, the others go on (regrouped with their Adam
    state). With one seed this is the single-model training step for step.
    `stop()` (from any thread) ends training after the current batch, keeping each member's
    best weights so far."""

    def __init__(self, dataset: Dataset, seeds: list[int], config: TrainConfig | None = None,
                 model_config: ModelConfig | None = None,
                 callback: Callable[[TrainEvent], None] | None = None,
                 init_models: list[IRCNN] | None = None):
        if not seeds:
            raise ValueError("no seeds to train")
        if init_models is not None and len(init_models) != len(seeds):
            raise ValueError(f"{len(init_models)} starting models for {len(seeds)} seeds")
        self.dataset = dataset
        self.seeds = list(seeds)
        self.config = config or TrainConfig()
        spectra = dataset.spectra
        self.model_config = model_config or ModelConfig(
            input_length=dataset.grid.n, channels=tuple(self.config.channels), kernel=self.config.kernel,
            pool_after=tuple(self.config.pool_after), dilation=tuple(self.config.dilation),
            n_groups=len(dataset.group_names) + (len(FINE_NAMES) if self.config.aux_targets else 0),
            in_channels=1 if spectra.ndim == 2 else int(spectra.shape[1]))
        self.callback = callback
        self.init_models = init_models
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _emit(self, event: TrainEvent) -> None:
        if self.callback:
            self.callback(event)

    def run(self) -> list[TrainResult]:
        """One TrainResult per seed, in seed order."""
        cfg = self.config
        torch.set_num_threads(cfg.threads)
        train, val = self.dataset.subset("train"), self.dataset.subset("val")
        if len(train) == 0 or len(val) == 0:
            raise ValueError("the dataset needs both training and validation spectra")
        xt, yt = torch.from_numpy(train.spectra), torch.from_numpy(self._targets(train))
        xv, yv = torch.from_numpy(val.spectra), torch.from_numpy(self._targets(val))
        w_pos, w_neg = class_weights(yt.numpy(), cfg.class_weight_power)
        n_groups = len(self.dataset.group_names)
        sw = (torch.tensor([1.0 if p == "gas" else cfg.condensed_weight for p in train.phases])
              if cfg.condensed_weight != 1.0 else None)
        bank = ArtifactBank.from_arrays(grid_bank(self.dataset.grid.x)) if cfg.augment and cfg.artifacts else None
        shifted = ShiftedRows(xt, cfg.max_shift, bank, self._mull(cfg)) if cfg.augment else None
        mixing = Mixing(cfg.mix_p, cfg.input_power) if cfg.mix_p > 0 else None
        members = [_Member(s, torch.Generator().manual_seed(s)) for s in self.seeds]
        inits = []
        for i, s in enumerate(self.seeds):
            torch.manual_seed(s)
            inits.append(IRCNN(self.model_config))
            if self.init_models is not None:  # fine-tuning: start from the given member's weights
                inits[-1].load_state_dict(self.init_models[i].state_dict())
        groups = initial_groups(inits, group_count(cfg.threads, len(members)), cfg.learning_rate)
        n_batches = (len(xt) + cfg.batch_size - 1) // cfg.batch_size
        t0 = time.perf_counter()
        epoch_times: list[float] = []
        cancelled = False
        pool = ThreadPoolExecutor(max_workers=max(1, cfg.threads), thread_name_prefix="train-group")

        def each_group(fn: Callable, *per_group) -> list:
            """[fn(group, *its items of per_group) for every group], in the pool when there are several."""
            pairs = list(zip(groups, *per_group))
            return list(pool.map(lambda a: fn(*a), pairs)) if len(pairs) > 1 else [fn(*pairs[0])]

        def step(g: MemberGroup, order: torch.Tensor, b: int) -> torch.Tensor:
            idx = order[:, b * cfg.batch_size:(b + 1) * cfg.batch_size]  # (members, batch)
            gens = [members[i].gen for i in g.slots]
            xb, yb = (shifted.augmented(idx, gens, cfg.gamma) if shifted else xt[idx]), yt[idx]
            if mixing is not None:
                xb, yb = mix_members(xb, yb, gens, mixing)
            logits = g.net(xb, per_member=True, dropout=cfg.latent_dropout)
            losses = member_bce(logits, yb, w_pos, w_neg, None if sw is None else sw[idx])
            g.opt.zero_grad()
            losses.sum().backward()
            g.opt.step()
            return losses.detach()

        def train_epoch(g: MemberGroup, order: torch.Tensor, k: int) -> tuple[torch.Tensor, bool]:
            """Group k's steps of one epoch, without waiting for the other groups between steps:
            each member's summed training loss, and whether training was stopped. Group 0
            reports progress (the mean of every group's latest batch losses). An error in one
            group stops the others at their next step, so it is raised without waiting for them."""
            totals = torch.zeros(len(g.slots), dtype=torch.float64)
            try:
                for b in range(n_batches):
                    if self._stop.is_set():
                        return totals, True
                    latest[k] = step(g, order, b)
                    totals += latest[k].double() * min(cfg.batch_size, len(xt) - b * cfg.batch_size)
                    if k == 0 and self.callback:
                        per_batch = (time.perf_counter() - te) / (b + 1)
                        self._emit(TrainEvent("batch", self.seeds[0], epoch, b + 1, n_batches,
                                              float(torch.cat([x for x in latest if x is not None]).mean()),
                                              elapsed=time.perf_counter() - t0, eta=per_batch * (n_batches - b - 1),
                                              members=len(members), active=len(slots)))
            except BaseException:
                self._stop.set()
                raise
            return totals, False

        try:
            for epoch in range(1, cfg.max_epochs + 1):
                te = time.perf_counter()
                torch.set_num_threads(max(1, cfg.threads // len(groups)))
                for g in groups:
                    g.net.train()
                orders = [torch.stack([torch.randperm(len(xt), generator=members[i].gen) for i in g.slots])
                          for g in groups]
                slots = [i for g in groups for i in g.slots]
                latest: list[torch.Tensor | None] = [None] * len(groups)
                outs = each_group(train_epoch, orders, range(len(groups)))
                if any(stopped for _, stopped in outs):
                    cancelled = True
                    break
                totals = torch.cat([t for t, _ in outs])
                logits = torch.cat(each_group(lambda g: stacked_logits(g.net, xv)))
                val_losses = member_bce(logits, yv.expand(len(slots), *yv.shape), w_pos, w_neg)
                prob = torch.sigmoid(logits).numpy()
                where = [(g, j) for g in groups for j in range(len(g.slots))]  # group and slot there of slots[k]
                summaries = []
                for j, i in enumerate(slots):
                    m = members[i]
                    pred = (prob[j][:, :n_groups] >= 0.5).astype(np.uint8)
                    summary = {"epoch": epoch, "train_loss": float(totals[j]) / len(xt),
                               "val_loss": float(val_losses[j]),
                               "val_molecular_f1": molecular_f1(val.labels, pred),
                               "val_perfection": molecular_perfection(val.labels, pred)}
                    m.history.append(summary)
                    summaries.append(summary)
                    if summary["val_loss"] < m.best_loss - 1e-6:
                        m.best_loss, m.best_epoch, m.since_best = summary["val_loss"], epoch, 0
                        m.best_state = where[j][0].net.member_state(where[j][1])
                    else:
                        m.since_best += 1
                    m.done = m.since_best >= cfg.patience or epoch == cfg.max_epochs
                    m.seconds = time.perf_counter() - t0
                epoch_times.append(time.perf_counter() - te)
                if self.callback:
                    by_member = {i: s["val_loss"] for i, s in zip(slots, summaries)}
                    eta = float(np.mean(epoch_times[-5:])) * max(max(cfg.patience - members[i].since_best, 0)
                                                                 for i in slots)
                    self._emit(TrainEvent(
                        "epoch", self.seeds[0], epoch, n_batches, n_batches,
                        float(np.mean([s["train_loss"] for s in summaries])),
                        float(np.mean([s["val_loss"] for s in summaries])),
                        {k: float(np.mean([s[k] for s in summaries])) for k in ("val_molecular_f1", "val_perfection")},
                        time.perf_counter() - t0, eta, max(members[i].best_epoch for i in slots),
                        len(members), len(slots), [by_member.get(i) for i in range(len(members))]))
                keep = {i for i in slots if not members[i].done}
                if not keep:
                    break
                if len(keep) < len(slots):
                    groups = regroup(groups, keep, group_count(cfg.threads, len(keep)))
        finally:
            pool.shutdown()
            torch.set_num_threads(cfg.threads)
        if any(m.best_state is None for m in members):
            raise InterruptedError("training stopped before the first epoch finished; nothing to keep")
        return self._results(members, val, cancelled, t0)

    def _mull(self, cfg: TrainConfig) -> MullMasking | None:
        """The Nujol bands masked in a share `cfg.mull_p` of the training spectra (None: off)."""
        if cfg.mull_p <= 0:
            return None
        keep = medium_keep(self.dataset.grid.x, "NUJOL MULL", "mull")
        return MullMasking(torch.from_numpy(keep), cfg.mull_p)

    def _targets(self, ds: Dataset) -> np.ndarray:
        """The labels trained on: the groups, then (with `aux_targets`) the finer groups."""
        labels = ds.labels.astype(np.float32)
        return np.hstack([labels, fine_labels(ds.identifiers)]).astype(np.float32) if self.config.aux_targets else labels

    def _results(self, members: list[_Member], val: Dataset, cancelled: bool, t0: float) -> list[TrainResult]:
        models = []
        n_groups = len(self.dataset.group_names)
        for m in members:
            model = IRCNN(self.model_config)
            model.load_state_dict(m.best_state)
            models.append(model.first_groups(n_groups).eval() if self.model_config.n_groups > n_groups else model.eval())
        thresholds = [np.full(n_groups, 0.5)] * len(models)
        if self.config.tune_thresholds:
            prob = torch.sigmoid(stacked_logits(StackedIRCNN.from_members(models), val.spectra)).numpy()
            thresholds = [tune_thresholds(val.labels, p) for p in prob]
        return [TrainResult(model, t, m.best_epoch, m.best_loss, m.history, cancelled and not m.done,
                            m.seconds if m.done else time.perf_counter() - t0, m.seed)
                for model, t, m in zip(models, thresholds, members)]


class Trainer(EnsembleTrainer):
    """Trains one model (seed `config.seed`); `run()` returns its TrainResult."""

    def __init__(self, dataset: Dataset, config: TrainConfig | None = None,
                 model_config: ModelConfig | None = None,
                 callback: Callable[[TrainEvent], None] | None = None):
        config = config or TrainConfig()
        super().__init__(dataset, [config.seed], config, model_config, callback)

    def run(self) -> TrainResult:  # type: ignore[override]
        return super().run()[0]


def train_ensemble(dataset: Dataset, seeds: list[int], config: TrainConfig | None = None,
                   callback: Callable[[TrainEvent], None] | None = None,
                   trainer_hook: Callable[[EnsembleTrainer], None] | None = None) -> list[TrainResult]:
    """Train one model per seed, all at once; `trainer_hook` receives the trainer (e.g. to stop
    it) before training starts. Returns one TrainResult per seed, in seed order."""
    trainer = EnsembleTrainer(dataset, seeds, config or TrainConfig(), callback=callback)
    if trainer_hook:
        trainer_hook(trainer)
    return trainer.run()
