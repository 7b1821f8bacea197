"""The CNN, receptive fields, metrics, training, cancellation and model files."""
import json
from dataclasses import replace

import numpy as np
import pytest
import torch

from core.nn.bundle import BundleError, load_bundle, save_bundle
from core.metrics.classification import molecular_f1, molecular_perfection, tune_thresholds
from core.nn.model import IRCNN, ModelConfig, count_parameters, receptive_field
from core.nn.training import TrainConfig, Trainer, class_weights, predict_proba


def test_paper_architecture_shapes():
    m = IRCNN(ModelConfig())
    assert m.n_channels == 8 and m.n_positions == 209
    assert 28000 < count_parameters(m) < 31000
    assert receptive_field(m.encoder) == (16, 4, 0)
    assert m.features(torch.zeros(2, 850)).shape == (2, 8, 209)
    assert IRCNN(ModelConfig(input_length=1000)).n_positions == 247


def test_molecular_metrics_by_hand():
    t = np.array([[1, 1, 0], [0, 0, 0], [1, 0, 0]])
    p = np.array([[1, 0, 0], [0, 0, 0], [0, 1, 0]])
    # F1 per molecule: 2*1/(2+1)=2/3, empty/empty=1, 0
    assert molecular_f1(t, p) == pytest.approx((2 / 3 + 1 + 0) / 3)
    assert molecular_perfection(t, p) == pytest.approx(1 / 3)


def test_class_weights_balance_rare_groups():
    labels = np.array([[1, 0]] * 1 + [[0, 1]] * 9)
    w_pos, w_neg = class_weights(labels)
    np.testing.assert_allclose(w_pos.numpy(), [10, 1 / 0.9], rtol=1e-5)
    # positives and negatives of each group carry equal total weight
    np.testing.assert_allclose((labels * w_pos.numpy()).sum(0), ((1 - labels) * w_neg.numpy()).sum(0), rtol=1e-5)


def test_class_weight_power_softens_the_reweighting():
    labels = np.array([[1, 0]] * 1 + [[0, 1]] * 9)  # positive shares 0.1 and 0.9
    plain_pos, plain_neg = (w.numpy() for w in class_weights(labels, 0.0))
    np.testing.assert_allclose(np.r_[plain_pos, plain_neg], plain_pos[0])  # power 0: every label weighs the same
    soft_pos, soft_neg = (w.numpy() for w in class_weights(labels, 0.5))
    np.testing.assert_allclose(soft_pos / soft_neg, [3, 1 / 3], rtol=1e-5)  # sqrt of power 1's ratios 9 and 1/9
    # positives and negatives of a group carry 2 on average over the groups, as at power 1
    p = labels.mean(0)
    np.testing.assert_allclose((p * soft_pos + (1 - p) * soft_neg).mean(), 2.0, rtol=1e-6)


def test_threshold_tuning_finds_the_separating_value():
    y = np.array([[0], [0], [1], [1]])
    prob = np.array([[0.1], [0.25], [0.3], [0.9]])
    assert 0.25 < tune_thresholds(y, prob)[0] <= 0.3


def test_training_learns_is_deterministic_and_reports(small_dataset):
    events = []
    cfg = TrainConfig(max_epochs=6, patience=3, seed=5, batch_size=16)
    a = Trainer(small_dataset, cfg, callback=events.append).run()
    b = Trainer(small_dataset, cfg).run()
    for pa, pb in zip(a.model.parameters(), b.model.parameters()):
        torch.testing.assert_close(pa, pb)
    epochs = [e for e in events if e.kind == "epoch"]
    assert epochs and all(e.val_loss is not None and e.eta is not None for e in epochs)
    assert any(e.kind == "batch" for e in events)
    assert epochs[-1].val_loss < epochs[0].val_loss
    assert a.best_val_loss == min(h["val_loss"] for h in a.history)


def test_stop_is_prompt_and_keeps_the_best(small_dataset):
    seen = []

    def cb(e):
        seen.append(e)
        if e.kind == "epoch" and e.epoch == 2:
            trainer.stop()

    trainer = Trainer(small_dataset, TrainConfig(max_epochs=50, patience=50), callback=cb)
    result = trainer.run()
    assert result.cancelled and len(result.history) == 2
    assert seen[-1].kind == "epoch"  # no batch ran after the stop request


def test_bundle_round_trip_and_refusals(tmp_path, small_bundle, small_dataset):
    path = save_bundle(small_bundle, tmp_path / "m")
    back = load_bundle(path)
    mean_a, _ = small_bundle.predict(small_dataset.spectra[:5])
    mean_b, std_b = back.predict(small_dataset.spectra[:5])
    np.testing.assert_allclose(mean_a, mean_b, rtol=1e-6)
    assert std_b.shape == (5, 17) and len(back.members) == 2
    assert back.record["dataset_hash"] == small_dataset.content_hash
    assert not list(path.glob("*.pkl")) and not list(path.glob("*.pt"))
    # tampered weights
    w = path / "weights.safetensors"
    data = bytearray(w.read_bytes())
    data[-5] ^= 0xFF
    w.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="checksum"):
        load_bundle(path)
    # malformed metadata
    path2 = save_bundle(small_bundle, tmp_path / "m2")
    meta = json.loads((path2 / "model.json").read_text())
    meta["architecture"]["input_length"] = 900
    (path2 / "model.json").write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="input length"):
        load_bundle(path2)
    (path2 / "model.json").write_text("{not json")
    with pytest.raises(BundleError, match="malformed JSON"):
        load_bundle(path2)
    with pytest.raises(BundleError, match="not a model folder"):
        load_bundle(tmp_path)


def test_ensemble_spread_is_zero_for_identical_members(small_bundle, small_dataset):
    from core.nn.bundle import ModelBundle

    b = ModelBundle([small_bundle.members[0]] * 3, small_bundle.grid, small_bundle.group_names,
                    small_bundle.group_smarts, small_bundle.thresholds)
    mean, std = b.predict(small_dataset.spectra[:4])
    np.testing.assert_allclose(std, 0, atol=1e-7)
    np.testing.assert_allclose(mean, predict_proba(small_bundle.members[0], small_dataset.spectra[:4]), rtol=1e-5)


def test_dilated_network_round_trips_and_widens_the_receptive_field():
    import torch

    from core.nn.model import IRCNN, ModelConfig, receptive_field

    plain = ModelConfig(input_length=850, channels=(16, 16, 32, 32), kernel=5, in_channels=2)
    dilated = ModelConfig(input_length=850, channels=(16, 16, 32, 32), kernel=5, in_channels=2, dilation=(1, 1, 2, 4))
    assert "dilation" not in plain.to_dict()  # undilated model files stay as they were
    assert ModelConfig.from_dict(dilated.to_dict()) == dilated
    m = IRCNN(dilated)
    assert receptive_field(m.encoder)[0] == 60 > receptive_field(IRCNN(plain).encoder)[0]
    assert m(torch.zeros(3, 2, 850)).shape == (3, 17)


def test_fine_groups_label_the_distinctions_inside_a_group():
    from core.data.fine_groups import FINE_NAMES, fine_labels

    rows = fine_labels(["CC(=O)c1ccccc1", "CC(C)=O", "CCCl", "CCBr", "N#Cc1ccccc1", "CC#N", "CC(O)(C)C", "x"])
    on = [{FINE_NAMES[j] for j in np.flatnonzero(r)} for r in rows]
    assert "aryl ketone" in on[0] and "alkyl ketone" not in on[0]
    assert "alkyl ketone" in on[1] and "aryl ketone" not in on[1]
    assert "C-Cl" in on[2] and "C-Br" not in on[2] and "C-Br" in on[3]
    assert "aryl nitrile" in on[4] and "alkyl nitrile" in on[5] and "aryl nitrile" not in on[5]
    assert "tertiary alcohol" in on[6] and "primary alcohol" not in on[6]
    assert on[7] == set()  # an identifier RDKit cannot read: no labels, no error


def test_auxiliary_targets_train_then_leave_a_17_group_linear_head(small_dataset):
    import torch

    from core.data.fine_groups import FINE_NAMES
    from core.nn.training import EnsembleTrainer, TrainConfig

    ds = replace(small_dataset, identifiers=["CC(=O)c1ccccc1" if i % 2 else "CCCl" for i in range(len(small_dataset))])
    trainer = EnsembleTrainer(ds, [0], TrainConfig(max_epochs=2, batch_size=32, aux_targets=True))
    assert trainer.model_config.n_groups == 17 + len(FINE_NAMES)
    (result,) = trainer.run()
    model = result.model
    assert model.cfg.n_groups == 17 and model.dense.weight.shape[0] == 17
    x = torch.from_numpy(ds.spectra[:4])
    with torch.no_grad():  # the head is still linear on the latent matrix: weights x latent + bias = logits
        logits = model(x)
        by_hand = torch.einsum("gcp,ncp->ng", torch.from_numpy(model.dense_weights()), model.features(x)) + \
            torch.from_numpy(model.dense_bias())
    assert torch.allclose(logits, by_hand, atol=1e-4)
