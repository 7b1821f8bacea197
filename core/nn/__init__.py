"""The network and everything that trains, stores and runs it: the paper's CNN and its phase
heads, the ensemble as one stacked network, member groups (one thread each), recipes, the
training loop, calibration, the novelty check, and model files (safetensors + JSON, no pickle).

Modules (public names first, then what the module holds):
- `model`: IRCNN, ModelConfig, receptive_field, latent_length, count_parameters. The CNN built
  from a small config.
- `heads`: HeadConfig, fit_phase_heads, can_fit_heads. Gas/condensed heads, the phase-aware
  recipe's second stage.
- `stacked`: StackedIRCNN, StackedDense, stacked_logits. M members side by side in every layer.
- `member_groups`: MemberGroup, initial_groups, regroup, group_count. Members dealt into one
  group per thread.
- `channels_last`: encode_channels_last. The stacked encoder's fast path on the CPU.
- `recipes`: RECIPES, DEFAULT_RECIPE. Training recipes by name (no torch import).
- `training`: TrainConfig, TrainEvent, TrainResult, EnsembleTrainer, Trainer, train_ensemble,
  class_weights, weighted_bce, predict_proba. The training loop with progress events and
  cancellation.
- `calibration`: Calibration, fit_calibration, expected_calibration_error, reliability_curve.
  Per-group Platt scaling with a phase offset.
- `novelty`: NoveltyModel, NoveltyError, fit_novelty, fit_for_dataset, load_novelty,
  organic_mask. Is a spectrum inside what the model was trained on.
- `bundle`: ModelBundle, BundleError, make_bundle, save_bundle, load_bundle. Model folders:
  weights.safetensors + model.json.
"""
