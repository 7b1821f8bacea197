"""Reference libraries (known spectra with structures, stored as HDF5) and similarity search:
the nearest references, a k-nearest-neighbour group vote and a caution for spectra unlike any
reference. `search` imports `store`, never the other way.

Modules (public names first, then what the module holds):
- `features`: features, raw_features. What spectra are compared by.
- `store`: Library, LibraryError, build_library, library_from_dataset, merge_libraries,
  save_library, load_library. Building, saving and loading libraries.
- `search`: Hit, Match, search_files, search_spectra, search_model_inputs, nearest, knn_vote,
  disagreements, VOTE_K. Search and the vote.
"""
