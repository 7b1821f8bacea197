"""Spectrum files: one module per format, chosen by content signature first and file extension
second, and the file-level entry points. Every reader returns a list of Spectrum and raises only
SpectrumReadError. Adding a format: a module with `sniff`/`parse` and one `Format` row in
`registry.FORMATS`.

Modules (public names first, then what the module holds):
- `io`: read_spectrum, read_spectra, expand_paths, iter_zip_spectra, csv_rows. The single entry:
  files, bytes or zip members to spectra.
- `registry`: Format, FORMATS, detect, parse_bytes, is_spectrum_name, file_dialog_filter,
  SPECTRUM_SUFFIXES. The format table and the dispatch.
- `jcamp`: parse_jcamp, write_jcamp, sniff, parse. JCAMP-DX 4.24/5.x (AFFN and every ASDF form)
  and the 5.01 writer.
- `text`: decode_text, parse, write_csv. Delimited text columns.
- `opus`: parse, parameters. Bruker OPUS binaries.
- `omnic`: parse. Thermo OMNIC .spa/.spg.
- `perkinelmer`: parse. PerkinElmer .sp.
- `spc`: parse. Galactic/Thermo GRAMS .spc.
"""
