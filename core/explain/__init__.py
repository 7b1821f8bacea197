"""The two-step explanation of Rieger, Wilson & Flores (Digital Discovery 2023) and exact
per-spectrum evidence: (1) the input windows that activate each latent channel most, (2) the dense
weights per group mapped back to wavenumber; because the classifier is linear on the latent matrix,
activation x weight splits every logit exactly. Static figures use matplotlib (Agg, no Qt).

Modules (public names first, then what the module holds):
- `patterns`: ReceptiveFields, receptive_fields, latent, ChannelPatterns, top_patterns,
  PatternSet, compute_patterns, save_patterns, load_patterns. Step 1, and the patterns stored
  with a model.
- `weights`: weight_map, max_over_channels, ensemble_consistency, head_names, alignment_table,
  band_mask, presence_absence. Step 2, and the checks against textbook bands.
- `evidence`: Evidence, Explainer. The exact per-(channel, position) split of a logit.
- `figures`: patterns_figure, group_weights_figure, alignment_figure, presence_figure,
  spectrum_evidence_figure, reliability_figure, phase_evidence_figure. Figures for `irgroups
  explain`.
"""
