"""IR Groups engine: no Qt, no display; the app (irgroups_gui) and the command line sit on it.

Packages, each importing only those before it:
spectra -> readers -> data -> artifacts -> metrics -> nn -> predict -> explain -> library -> evaluation -> cli
(tests/test_layering.py checks the order; each package's docstring lists its modules.)
"""
__version__ = "0.1.0"
