"""Labelled data: the 17 functional groups (SMARTS, textbook bands, RDKit labelling), dataset
building from spectra + structures with its formula cross-check, HDF5 storage, splits by
compound, training-time augmentation, and the files bundled in `resources/`.

Modules (public names first, then what the module holds):
- `groups`: Group, GROUPS, GROUP_NAMES, group_index, label_identifier, label_mol, parse_formula,
  formula_verdict. The groups and labelling.
- `dataset`: Dataset, DatasetError, BuildReport, build_dataset, save_dataset, load_dataset,
  load_structures, iter_labelled, random_split, grouped_split. Datasets: build, store, load,
  split.
- `h5file`: atomic_h5, read_strings, write_common. Atomic HDF5 writing shared by datasets and
  libraries.
- `augment`: Draws, ShiftedRows, draw_members, augment_batch, augment_members. Shifts, intensity
  power, baseline tilt and noise.
- `resources`: resource_path, default_model_path, model_path, sample_files. The bundled default
  model and samples.
"""
