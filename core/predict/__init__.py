"""From files to group probabilities, with the checks that say when not to trust the model
(refusals, cautions, phase, out-of-domain), and the plain statement of what a model covers.

Modules (public names first, then what the module holds):
- `classify`: Prediction, classify_files, classify_spectra, classify_in_chunks, check_spectrum,
  resolve_phase. Classification of files and spectra.
- `undetermined`: undetermined, undetermined_batch, determined_mask, Context, HIDERS. The groups whose
  key band is not seen, and why.
- `scope`: model_scope. What a model covers, in one paragraph.
"""
