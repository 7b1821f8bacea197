"""Classification metrics without scikit-learn at run time: per group (accuracy, precision,
recall, F1, ROC AUC) and per molecule (molecular F1 and perfection, Fine et al., Chem. Sci. 2020),
per phase, and threshold tuning. Imports nothing from the rest of core.

Modules (public names first, then what the module holds):
- `classification`: accuracy, precision_recall_f1, roc_auc, molecular_f1, molecular_perfection,
  group_metrics, evaluate_predictions, tune_thresholds, phase_metrics. The metrics.
"""
