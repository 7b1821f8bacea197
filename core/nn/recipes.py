"""Training recipes by name (no torch import, so the command line starts fast).

- paper: the published recipe: re-weighted BCE, Adam, early stopping (patience 5), threshold 0.5.
- improved: + shifts/noise/tilt augmentation, patience 10, per-group thresholds tuned on validation.
- phase-aware: for gas and condensed spectra together: + a mask channel (unmeasured and
  mulling-agent regions), wider shifts and an intensity-power augmentation, loss weights
  softened to p^-0.5 (positives) and (1-p)^-0.5 (negatives), a wider network (conv channels
  16, 16, 32, 32 with kernel 5 instead of the paper's 4, 4, 8, 8 with kernel 3: 32 pattern
  channels), dilated convolutions (1, 1, 2, 4: each latent column sees 60 input points) and the
  square root of the absorbance as input (both measured in docs/levers.md), then a gas and a
  condensed dense head fine-tuned on the frozen encoders (core.nn.heads), and calibrated
  probabilities (per-group Platt scaling with gas/condensed offsets), so present = p >= 0.5.
"""
RECIPES = ("paper", "improved", "phase-aware")
DEFAULT_RECIPE = "phase-aware"
GAMMA, MAX_SHIFT = 0.5, 4  # the phase-aware recipe's intensity and shift augmentation
CLASS_WEIGHT_POWER = 0.5  # the phase-aware recipe's softened loss weights (core.nn.training.class_weights)
CHANNELS, KERNEL = (16, 16, 32, 32), 5  # the phase-aware recipe's wider network (the paper's: (4, 4, 8, 8), 3)
DILATION, INPUT_POWER = (1, 1, 2, 4), 0.5  # the phase-aware recipe's conv dilations and input power
