"""Lab artifacts: what a spectrum straight off an instrument carries and the archive's curated
spectra do not (water vapour, CO2, sloping scattering baselines, ATR distortion), how to correct
it before classification, and how to put it on clean spectra for tests, benchmarks and training.

Modules (public names first, then what the module holds):
- `references`: Reference, shipped_references, derive_reference, write_references. The water-vapour
  and CO2 references (derived from NIST SRD 69 gas-phase spectra).
- `atmosphere`: GasFit, compensate, fit_gas. Atmospheric compensation by the smoothness of the
  corrected regions.
- `atr`: ATRSettings, CRYSTALS, penetration_depth, relative_depth, correct_atr. The basic ATR
  correction.
- `baseline`: baseline, remove_baseline. Scattering / sloping baselines removed (pybaselines).
- `processing`: Processing, Outcome, apply. The corrections a user chose, applied in order, and
  their record.
- `simulate`: degrade, add_gas, add_scattering, add_noise, atr_distort. Artifacts put on clean
  spectra.
"""
