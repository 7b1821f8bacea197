"""The ensemble as one stacked network: same numbers as member-by-member training and
inference, independent members (own seed, data order, augmentation, early stopping), model
files unchanged, optional extra input channels."""
from dataclasses import replace

import numpy as np
import pytest
import torch
from safetensors import safe_open

from core.nn.bundle import load_bundle, save_bundle
from core.data.dataset import Dataset
from core.explain.evidence import Explainer
from core.data.augment import Mixing, MullMasking, ShiftedRows, mix_members, augment_batch, augment_members, draw_members
from core.nn.model import IRCNN, ModelConfig
from core.data.resources import default_model_path
from core.nn.stacked import StackedIRCNN
from core.spectra.phase import medium_keep
from core.spectra.preprocess import DEFAULT_GRID
from core.nn.training import EnsembleTrainer, TrainConfig, Trainer, class_weights, predict_logits, train_ensemble, weighted_bce
from conftest import synthetic_dataset

CFG = TrainConfig(max_epochs=3, patience=10, batch_size=16, augment=True, threads=1)


@pytest.fixture(scope="module")
def tiny():
    return synthetic_dataset(n=120, seed=3)


def _random_members(n: int, cfg: ModelConfig = ModelConfig()) -> list[IRCNN]:
    """Members with distinct weights and non-trivial batch-norm statistics."""
    out = []
    for s in range(n):
        torch.manual_seed(s)
        m = IRCNN(cfg)
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm1d):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
        out.append(m.eval())
    return out


def _reference_run(ds: Dataset, seed: int, cfg: TrainConfig) -> tuple[list[float], list[dict]]:
    """The member-by-member training loop as it was before stacking (one IRCNN, its own Adam,
    `torch.manual_seed(seed)` for the weights and one generator for order and augmentation):
    validation loss and state after every epoch."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    train, val = ds.subset("train"), ds.subset("val")
    xt, yt = torch.from_numpy(train.spectra), torch.from_numpy(train.labels.astype(np.float32))
    w_pos, w_neg = class_weights(train.labels)
    model = IRCNN(ModelConfig(input_length=ds.grid.n, n_groups=len(ds.group_names)))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    losses, states = [], []
    for _ in range(cfg.max_epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        for b in range(0, len(xt), cfg.batch_size):
            idx = order[b:b + cfg.batch_size]
            xb = augment_batch(xt[idx], gen) if cfg.augment else xt[idx]
            loss = weighted_bce(model(xb), yt[idx], w_pos, w_neg)
            opt.zero_grad()
            loss.backward()
            opt.step()
        logits = torch.from_numpy(predict_logits(model, val.spectra))
        losses.append(weighted_bce(logits, torch.from_numpy(val.labels.astype(np.float32)), w_pos, w_neg).item())
        states.append({k: v.clone() for k, v in model.state_dict().items()})
    return losses, states


def _assert_same_model(a: IRCNN, b_state: dict, atol: float = 1e-4) -> None:
    for k, v in a.state_dict().items():
        torch.testing.assert_close(v, b_state[k], rtol=atol * 10, atol=atol, msg=k)


# ---------------------------------------------------------------- the stacked network
def test_stacked_network_equals_its_members_in_eval_and_training_mode():
    members = _random_members(3)
    net = StackedIRCNN.from_members(members)
    x = torch.rand(5, 850)
    with torch.no_grad():
        torch.testing.assert_close(net(x), torch.stack([m(x) for m in members]), rtol=1e-5, atol=1e-6)
        xm = torch.rand(3, 5, 850)
        torch.testing.assert_close(net(xm, per_member=True), torch.stack([m(xm[i]) for i, m in enumerate(members)]),
                                   rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(net.features(x), torch.stack([m.features(x) for m in members]))
    for i, m in enumerate(members):
        for k, v in m.state_dict().items():
            assert torch.equal(net.member_state(i)[k], v), k
    # training mode: batch statistics are each member's own (in double precision: batch norm in
    # the stacked network's channels-last layout rounds differently in single precision)
    net.double().train()
    for m in members:
        m.double().train()
    xm = torch.rand(3, 16, 850, dtype=torch.float64)
    torch.testing.assert_close(net(xm, per_member=True), torch.stack([m(xm[i]) for i, m in enumerate(members)]),
                               rtol=1e-9, atol=1e-10)
    with pytest.raises(ValueError, match="each of 3 members"):
        net(torch.rand(2, 4, 850, dtype=torch.float64), per_member=True)


def test_extra_input_channels_in_single_and_stacked_networks():
    cfg = ModelConfig(in_channels=2)
    members = _random_members(2, cfg)
    x = torch.rand(4, 2, 850)
    with torch.no_grad():
        torch.testing.assert_close(StackedIRCNN.from_members(members)(x), torch.stack([m(x) for m in members]),
                                   rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"\(n, 2, L\)"):
        members[0](torch.rand(4, 850))
    assert ModelConfig.from_dict(ModelConfig().to_dict() | {"in_channels": 2}).in_channels == 2
    old = ModelConfig().to_dict()
    del old["in_channels"]  # model files written before the field existed
    assert ModelConfig.from_dict(old).in_channels == 1


def test_latent_dropout_acts_in_training_only_and_trains(tiny):
    """Dropout on the latent matrix changes the training pass, never prediction (eval mode)."""
    net = StackedIRCNN.from_members(_random_members(2))
    xm = torch.rand(2, 8, 850)
    with torch.no_grad():
        net.train()
        assert not torch.allclose(net(xm, per_member=True, dropout=0.5), net(xm, per_member=True))
        net.eval()
        torch.testing.assert_close(net(xm, per_member=True, dropout=0.5), net(xm, per_member=True))
    results = train_ensemble(tiny, [0], TrainConfig(max_epochs=2, batch_size=32, threads=1, latent_dropout=0.3))
    assert np.isfinite(results[0].history[-1]["val_loss"])


def test_training_with_a_mask_channel(tiny):
    x2 = np.stack([tiny.spectra, (tiny.spectra > 0.05).astype(np.float32)], axis=1)
    ds2 = replace(tiny, spectra=x2)
    results = train_ensemble(ds2, [0, 1], TrainConfig(max_epochs=2, batch_size=32, augment=True, threads=1))
    assert results[0].model.cfg.in_channels == 2 and len(results) == 2
    xb = torch.from_numpy(x2[:6])
    aug = augment_batch(xb, torch.Generator().manual_seed(0))
    assert aug.shape == xb.shape and set(aug[:, 1].unique().tolist()) <= {0.0, 1.0}  # mask only shifted


@pytest.mark.parametrize("channels", [(), (2,)])
def test_members_augmented_at_once_equal_one_by_one(channels):
    x = torch.rand(3, 8, *channels, 300)
    if channels:
        x[:, :, 1] = (x[:, :, 1] > 0.2).float()
    together = augment_members(x, [torch.Generator().manual_seed(s) for s in (4, 5, 6)], 3, 0.5)
    alone = [augment_batch(x[i], torch.Generator().manual_seed(s), 3, 0.5) for i, s in enumerate((4, 5, 6))]
    assert torch.equal(together, torch.stack(alone))
    assert not torch.equal(alone[0], augment_batch(x[0], torch.Generator().manual_seed(5), 3, 0.5))


@pytest.mark.parametrize("channels,gamma", [((), 0.0), ((), 0.5), ((2,), 0.5)])
def test_rows_come_out_shifted_as_augment_members_shifts_them(channels, gamma):
    x = torch.rand(20, *channels, 300)
    if channels:
        x[:, 1] = (x[:, 1] > 0.2).float()
    before = x.clone()
    idx = torch.tensor([[0, 19, 5, 5], [7, 0, 3, 12]])
    gens = lambda: [torch.Generator().manual_seed(s) for s in (4, 5)]  # noqa: E731
    fused = ShiftedRows(x, 3).augmented(idx, gens(), gamma)
    assert torch.equal(fused, augment_members(x[idx], gens(), 3, gamma)) and torch.equal(x, before)
    if channels:  # the mask channel is only shifted: row k, point j comes from point clamp(j - shift_k)
        shifts = draw_members(4, 300, gens(), 3, gamma).shifts
        src = (torch.arange(300)[None, :] - shifts[:, None]).clamp(0, 299)
        expect = torch.stack([x[r, 1, src[k]] for k, r in enumerate(idx.reshape(-1).tolist())])
        assert torch.equal(fused.reshape(8, 2, 300)[:, 1], expect) and (shifts != 0).any()


# ---------------------------------------------------------------- training
def test_a_share_of_rows_is_seen_as_a_nujol_mull_and_the_other_draws_stay(tiny):
    keep = medium_keep(DEFAULT_GRID.x, "NUJOL MULL", "mull")
    x = torch.rand(400, 2, DEFAULT_GRID.n)
    x[:, 1] = 1.0
    idx = torch.arange(400).view(1, 400)
    gen = lambda: [torch.Generator().manual_seed(3)]  # noqa: E731
    out = ShiftedRows(x, 2, None, MullMasking(torch.from_numpy(keep), 0.25)).augmented(idx, gen(), 0.5)[0]
    seen = (out[:, 1] == 0).any(dim=1)
    assert 0.15 < seen.float().mean() < 0.35
    assert torch.equal(out[seen, 1], torch.from_numpy(keep).expand(int(seen.sum()), -1))  # exactly the Nujol bands
    assert (out[~seen, 1] == 1).all()
    assert (out[seen][:, 0][:, keep == 0] == 0).all() and torch.allclose(out[:, 0].amax(dim=1), torch.ones(400))
    off = ShiftedRows(x, 2, None, MullMasking(torch.from_numpy(keep), 0.0)).augmented(idx, gen(), 0.5)
    assert torch.equal(off, ShiftedRows(x, 2).augmented(idx, gen(), 0.5))  # shifts, powers and noise as without it
    with pytest.raises(ValueError, match="mask channel"):
        ShiftedRows(x[:, 0], 2, None, MullMasking(torch.from_numpy(keep), 0.25))
    ds2 = replace(tiny, spectra=np.stack([tiny.spectra, np.ones_like(tiny.spectra)], axis=1))
    results = train_ensemble(ds2, [0], TrainConfig(max_epochs=2, batch_size=32, augment=True, threads=1, mull_p=0.5))
    assert np.isfinite(results[0].history[-1]["val_loss"])


def test_a_share_of_rows_becomes_a_two_compound_mixture_with_both_labels(tiny):
    n, groups = 200, 6
    x = torch.zeros(2, n, 2, n + 10)
    x[:, :, 1] = 1.0
    x[:, torch.arange(n), 0, torch.arange(n)] = 1.0  # compound k: one band, at point k
    x[:, 1::2, 1, n:] = 0.0  # odd compounds unmeasured at the high end
    y = torch.nn.functional.one_hot(torch.arange(n) % groups, groups).float().expand(2, n, groups)
    gens = lambda: [torch.Generator().manual_seed(s) for s in (1, 2)]  # noqa: E731
    out, yo = mix_members(x, y, gens(), Mixing(0.4, power=0.5))
    changed = (out != x).flatten(2).any(dim=2)
    assert 0.25 < changed.float().mean() < 0.55
    assert torch.equal(out[~changed], x[~changed]) and torch.equal(yo[~changed], y[~changed])
    for m, k in torch.nonzero(changed).tolist():
        a = out[m, k, 0] ** 2  # back to absorbance: the two compounds' bands, in proportion 0.35-0.65
        bands = torch.nonzero(a > 0).flatten().tolist()
        assert k in bands and len(bands) == 2 and a.max() == 1.0 and a[a > 0].min() >= 0.35 / 0.65 - 1e-5
        j = bands[1] if bands[0] == k else bands[0]
        assert torch.equal(yo[m, k], torch.maximum(y[m, k], y[m, j]))  # both compounds' groups
        assert torch.equal(out[m, k, 1], torch.minimum(x[m, k, 1], x[m, j, 1]))  # measured where both are
    off, y_off = mix_members(x, y, gens(), Mixing(0.0, power=0.5))
    assert torch.equal(off, x) and torch.equal(y_off, y)
    results = train_ensemble(tiny, [0], TrainConfig(max_epochs=2, batch_size=32, augment=True, threads=1, mix_p=0.5))
    assert np.isfinite(results[0].history[-1]["val_loss"])


def test_one_member_reproduces_the_member_by_member_loop(tiny):
    ref_loss, ref_states = _reference_run(tiny, 7, CFG)
    result = Trainer(tiny, replace(CFG, seed=7)).run()
    np.testing.assert_allclose([h["val_loss"] for h in result.history], ref_loss, rtol=1e-4)
    _assert_same_model(result.model, ref_states[result.best_epoch - 1])
    assert result.seed == 7


@pytest.fixture
def float64():
    """Train in double precision, so that float32 round-off (which training amplifies from
    epoch to epoch) cannot hide or fake a difference between two ways of training."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


@pytest.mark.parametrize("threads", [1, 2])
def test_members_are_independent_and_stop_on_their_own(tiny, float64, threads):
    """With 2 threads the members train in two groups (two threads), formed again as members stop."""
    ds = replace(synthetic_dataset(n=100, seed=3), spectra=synthetic_dataset(n=100, seed=3).spectra.astype(np.float64))
    cfg = TrainConfig(max_epochs=8, patience=1, batch_size=16, augment=True, learning_rate=3e-3, threads=threads)
    events = []
    together = EnsembleTrainer(ds, [0, 1, 7], cfg, callback=events.append).run()
    alone = [Trainer(ds, replace(cfg, seed=s, threads=1)).run() for s in (0, 1, 7)]
    runs = [len(r.history) for r in together]
    assert len(set(runs)) > 1, "members should stop at different epochs in this set-up"
    for t, a in zip(together, alone):
        assert [t.seed, t.best_epoch, len(t.history)] == [a.seed, a.best_epoch, len(a.history)]
        np.testing.assert_allclose([h["val_loss"] for h in t.history], [h["val_loss"] for h in a.history], rtol=1e-9)
        _assert_same_model(t.model, a.model.state_dict(), atol=1e-7)
    epochs = [e for e in events if e.kind == "epoch"]
    assert len(epochs) == max(runs) and epochs[0].members == 3 and epochs[0].active == 3
    assert epochs[-1].active == sum(r == max(runs) for r in runs)
    assert epochs[-1].member_val_losses[runs.index(min(runs))] is None
    assert epochs[0].val_loss == pytest.approx(np.mean(epochs[0].member_val_losses))
    assert all(e.seed == 0 for e in events) and any(e.kind == "batch" for e in events)


def test_a_rerun_with_the_same_seeds_and_threads_is_bit_identical(tiny):
    cfg = replace(CFG, max_epochs=2, threads=2)
    runs = [EnsembleTrainer(tiny, [0, 1, 2], cfg).run() for _ in range(2)]
    for a, b in zip(*runs):
        assert all(torch.equal(v, b.model.state_dict()[k]) for k, v in a.model.state_dict().items())


def test_float32_members_agree_with_solo_runs_before_round_off_grows(tiny):
    cfg = replace(CFG, max_epochs=1)
    together = EnsembleTrainer(tiny, [1, 2], cfg).run()
    for s, t in zip((1, 2), together):
        a = Trainer(tiny, replace(cfg, seed=s)).run()
        np.testing.assert_allclose(t.history[0]["val_loss"], a.history[0]["val_loss"], rtol=1e-4)


def test_stop_keeps_every_members_best(tiny):
    seen = []

    def cb(e):
        seen.append(e)
        if e.kind == "epoch" and e.epoch == 2:
            trainer.stop()

    trainer = EnsembleTrainer(tiny, [0, 1], TrainConfig(max_epochs=50, patience=50, batch_size=16, threads=1), callback=cb)
    results = trainer.run()
    assert all(r.cancelled and len(r.history) == 2 and r.best_epoch in (1, 2) for r in results)
    assert seen[-1].kind == "epoch"
    hooked = []
    with pytest.raises(InterruptedError):
        train_ensemble(tiny, [0, 1], TrainConfig(batch_size=16, threads=1), trainer_hook=lambda t: (hooked.append(t), t.stop()))
    assert isinstance(hooked[0], EnsembleTrainer)


def test_a_stop_mid_epoch_reaches_both_group_threads(tiny):
    """Two groups run their epochs in two threads; group 0 sends the batch events. A stop in the
    middle of epoch 2 ends both groups' epochs: every member keeps its epoch-1 best."""
    batches = []

    def cb(e):
        if e.kind == "batch":
            batches.append((e.epoch, e.batch, e.n_batches, e.active, e.train_loss))
            if e.epoch == 2 and e.batch == 2:
                trainer.stop()

    trainer = EnsembleTrainer(tiny, [0, 1, 2, 3], TrainConfig(max_epochs=50, patience=50, batch_size=16, threads=2),
                              callback=cb)
    results = trainer.run()
    assert all(r.cancelled and len(r.history) == 1 and r.best_epoch == 1 for r in results)
    n = batches[0][2]
    assert [b[:2] for b in batches] == [(1, i) for i in range(1, n + 1)] + [(2, 1), (2, 2)]
    assert all(b[3] == 4 and np.isfinite(b[4]) and b[4] > 0 for b in batches)


def test_an_error_in_one_group_stops_the_other(tiny):
    """A failing progress callback (group 0's thread) ends the run with its error and stops the
    other group instead of letting it finish its epoch."""
    def cb(e):
        if e.kind == "batch" and e.batch == 2:
            raise RuntimeError("progress sink closed")

    trainer = EnsembleTrainer(tiny, [0, 1, 2, 3], TrainConfig(max_epochs=5, batch_size=16, threads=2), callback=cb)
    with pytest.raises(RuntimeError, match="progress sink closed"):
        trainer.run()
    assert trainer.stopping


# ---------------------------------------------------------------- inference and model files
def test_bundle_and_explainer_use_one_pass_equal_to_the_members(small_bundle, small_dataset):
    x = small_dataset.spectra[:7]
    loop = np.stack([predict_logits(m, x) for m in small_bundle.members])
    np.testing.assert_allclose(small_bundle.member_logits(x), loop, rtol=1e-5, atol=1e-5)
    ex = Explainer(small_bundle)
    terms = ex.terms(x[0])
    for i, m in enumerate(small_bundle.members):
        z = m.features(torch.from_numpy(x[:1]))[0].detach().numpy()
        np.testing.assert_allclose(terms[i], m.dense_weights() * z[None], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(terms[i].sum(axis=(1, 2)) + ex.biases()[i], loop[i, 0], rtol=1e-5, atol=1e-5)
    assert small_bundle.member_logits(x[:0]).shape == (2, 0, 17)


def test_model_files_keep_the_member_layout(tmp_path, small_bundle, small_dataset):
    path = save_bundle(small_bundle, tmp_path / "m")
    with safe_open(str(path / "weights.safetensors"), framework="pt") as f:
        keys = set(f.keys())
    assert "member0.encoder.0.weight" in keys and "member1.dense.weight" in keys
    assert not any(k.startswith("member2.") for k in keys)
    back = load_bundle(path)
    np.testing.assert_allclose(back.member_logits(small_dataset.spectra[:3]),
                               small_bundle.member_logits(small_dataset.spectra[:3]), rtol=1e-6)


def test_default_model_loads_unchanged_and_predicts_in_one_pass(small_dataset):
    bundle = load_bundle(default_model_path())
    assert len(bundle.members) == 10 and bundle.stacked.members == 10
    x = bundle.network_input(small_dataset.spectra[:5], small_dataset.valid[:5], [""] * 5, ["gas"] * 5)
    for phase in ("gas", "kbr"):  # the gas and the condensed head
        head = bundle.config.head_index([phase] * 5, 5)
        loop = np.stack([predict_logits(m, x, head=head) for m in bundle.members])
        np.testing.assert_allclose(bundle.member_logits(x, [phase] * 5), loop, rtol=1e-5, atol=1e-5)
        terms = Explainer(bundle).terms(x[1], phase)
        np.testing.assert_allclose(terms.sum(axis=(2, 3)) + Explainer(bundle).biases(phase), loop[:, 1],
                                   rtol=1e-5, atol=1e-4)
    assert not np.allclose(bundle.member_logits(x, ["gas"] * 5), bundle.member_logits(x, ["kbr"] * 5))
