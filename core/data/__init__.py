"""Labelled data: the 17 functional groups (SMARTS, textbook bands, RDKit labelling), dataset
building from spectra + structures with its formula cross-check, HDF5 storage, splits by
compound, training-time augmentation, the correlation chart for peak assignments, and the files
bundled in `resources/`.

Modules (public names first, then what the module holds):
- `groups`: Group, GROUPS, GROUP_NAMES, group_index, label_identifier, label_mol, parse_formula,
  formula_verdict. The groups and labelling.
- `dataset`: Dataset, DatasetError, BuildCancelled, BuildReport, build_dataset, save_dataset,
  load_dataset, load_structures, iter_labelled, random_split, grouped_split. Datasets: build,
  store, load, split.
- `fine_groups`: FINE_GROUPS, FINE_NAMES, fine_labels. Finer SMARTS inside the weak groups,
  auxiliary training targets only.
- `label_audit`: AUDIT_FILE, audit_exclusions, without_excluded. The recorded label audit:
  training spectra left out, with the reason.
- `readiness`: readiness, file_readiness, MIN_TRAIN, MIN_POSITIVES. Whether a dataset can
  train a model: refusals and warnings before training.
- `h5file`: atomic_path, atomic_h5, read_strings, write_common. Atomic file and HDF5 writing shared by datasets,
  libraries and reports.
- `augment`: Draws, ShiftedRows, draw_members, augment_batch, augment_members. Shifts, intensity
  power, baseline tilt and noise.
- `correlation`: ChartBand, CHART, VIBRATIONS, assignments, AssignedPeak, spectrum_peaks,
  write_peaks_csv, PEAK_CSV_COLUMNS. The correlation chart (the groups' bands named by
  vibration) and a spectrum's peak table with its assignments.
- `resources`: resource_path, default_model_path, model_path, sample_files. The bundled default
  model and samples.
"""
