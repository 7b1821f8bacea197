"""The `irgroups` command line: `main.main` builds the parser from one module per command
family, each with `add_parser(subparsers)`. Nothing else in core imports this package.

Modules (public names first, then what the module holds):
- `main`: main, build_parser, COMMAND_MODULES. The parser and the entry point.
- `common`: CLIError, ProgressLine, load_model, load_or_build, EXIT_OK, EXIT_FAILED. What every
  command shares.
- `dataset`: add_parser, cmd_dataset_build. `irgroups dataset build`.
- `train`: add_parser, cmd_train, cmd_evaluate. `irgroups train` and `irgroups evaluate`.
- `predict`: add_parser, cmd_predict. `irgroups predict`.
- `correct`: add_parser, cmd_correct. `irgroups correct`.
- `explain`: add_parser, cmd_explain. `irgroups explain`.
- `library`: add_parser, cmd_library_build, cmd_library_info, cmd_search. `irgroups library
  build|info` and `irgroups search`.
- `files`: add_parser, cmd_info, cmd_convert. `irgroups info` and `irgroups convert`.
- `novelty`: add_parser, cmd_fit. `irgroups novelty fit`.
- `peaks`: add_parser, cmd_peaks, peak_tables. `irgroups peaks` (the peak table, as text or CSV).
"""
