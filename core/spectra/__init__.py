"""Spectra in memory and on the model's axis: the Spectrum record, unit names, conversion to
absorbance over wavenumber, resampling and normalisation, the sample phase (declared or inferred),
resolution matching, the validity checks that decide whether a spectrum may be classified, and
peak picking.
Imports nothing from the rest of core.

Modules (public names first, then what the module holds):
- `spectrum`: Spectrum, SpectrumReadError. The record every reader returns, and the one error a
  bad file raises.
- `units`: canonical_x, canonical_y, is_percent, ABSORBANCE, TRANSMITTANCE, WAVENUMBER. One
  canonical name for every unit spelling.
- `preprocess`: Grid, InputConfig, DEFAULT_GRID, standardise, resample_batch, normalise,
  coverage, model_input. Units conversion, resampling onto the model grid, normalisation.
- `phase`: PHASES, phase_from_state, normalise_phase, phase_group, medium_bands. Sample phase /
  medium classes from free-text states.
- `phase_infer`: PhaseInference, fit_phase_inference, phase_features. Gas vs condensed inferred
  from the spectrum itself.
- `resolution`: stated_resolution, resolution, to_grid_resolution, smoothing_note. High-
  resolution spectra smoothed to the grid's resolution.
- `validity`: Decision, assess, model_view. Classify, caution or refuse, decided per spectrum.
- `peaks`: Peak, pick_peaks, strongest, DEFAULT_PROMINENCE. Peaks of a curve: position, height,
  width at half prominence.
"""
