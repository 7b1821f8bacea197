"""A model measured on a dataset, and the train -> bundle -> evaluate -> patterns sequence the
command line and the app share.

Modules (public names first, then what the module holds):
- `evaluate`: evaluate_bundle, EvaluationError, metrics_record, corrected_dataset, determined_report. Ensemble, member and per-phase
  metrics with calibration error.
- `pipeline`: train_bundle, TrainedModel. The whole training sequence.
"""
