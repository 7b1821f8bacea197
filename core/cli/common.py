"""What every `irgroups` command shares: exit codes, the one-line user error, the progress
line on stderr, and loading the model or dataset a command names."""
from __future__ import annotations

import sys
import time

EXIT_OK, EXIT_FAILED = 0, 1  # argparse exits 2 on usage errors


class CLIError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


class ProgressLine:
    """A one-line progress display on stderr (redrawn on a terminal, sparse lines otherwise)."""

    def __init__(self, label: str):
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def update(self, done: int, total: int, extra: str = "", force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < (0.1 if self.tty else 5.0):
            return
        self.last = now
        frac = done / total if total else 1.0
        bar = "#" * int(frac * 30)
        text = f"{self.label} [{bar:<30}] {done}/{total} {extra}"
        if self.tty:
            sys.stderr.write("\r" + text[:120].ljust(120))
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def note(self, text: str) -> None:
        """Replace the bar with a line of text (a stage that has no batches to count)."""
        if self.tty:
            sys.stderr.write("\r" + f"{self.label}: {text}"[:120].ljust(120))
        else:
            sys.stderr.write(f"{self.label}: {text}\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")


def load_model(path: str | None):
    from core.nn.bundle import BundleError, load_bundle
    from core.data.resources import model_path

    try:
        return load_bundle(model_path(path))
    except BundleError as exc:
        raise CLIError(str(exc)) from None


def load_or_build(source: str, structures: str | None, keep_all: bool):
    from core.data.dataset import DatasetError, build_dataset, load_dataset

    try:
        if source.endswith((".h5", ".hdf5")) and structures is None:
            return load_dataset(source)
        if structures is None:
            raise CLIError(f"{source}: spectra need --structures CSV (or give a dataset .h5)")
        bar = ProgressLine("reading")
        ds, report = build_dataset(source, structures, gas_only=not keep_all,
                                   progress=lambda d, t, n: bar.update(d, t))
        bar.close()
        print(report.summary(), file=sys.stderr)
        return ds
    except DatasetError as exc:
        raise CLIError(str(exc)) from None


def add_processing_arguments(p) -> None:
    """The lab-artifact corrections' options (core.artifacts.processing), for every command that
    reads spectra files for the model."""
    from core.artifacts.processing import ATMOSPHERE_CHOICES, ATR_CHOICES, BASELINE_CHOICES

    g = p.add_argument_group("corrections before classification")
    g.add_argument("--atmosphere", choices=ATMOSPHERE_CHOICES, default="auto",
                   help="water-vapour and CO2 compensation (default auto: subtracted where found)")
    g.add_argument("--atr", choices=ATR_CHOICES, default="auto",
                   help="ATR correction: auto (spectra that declare ATR, diamond), off, or the crystal for every file")
    g.add_argument("--atr-angle", type=float, default=45.0, help="ATR angle of incidence in degrees (default 45)")
    g.add_argument("--sample-index", type=float, default=1.5, help="sample refractive index for ATR (default 1.5)")
    g.add_argument("--baseline", choices=BASELINE_CHOICES, default="auto",
                   help="remove a sloping (scattering) baseline: auto (where one rises toward high wavenumber), "
                        "on (always), off")


def processing_from(args):
    """The Processing the command-line options ask for; a bad combination is a CLIError."""
    from core.artifacts.processing import Processing

    try:
        return Processing(atmosphere=args.atmosphere, atr=args.atr, angle=args.atr_angle,
                          sample_index=args.sample_index, baseline=args.baseline)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
