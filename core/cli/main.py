"""The `irgroups` command line: the parser, assembled from one module per command family,
and `main`."""
from __future__ import annotations

import argparse
import importlib
import sys

from core.cli.common import EXIT_FAILED, CLIError

# command families in their own modules, each with add_parser(subparsers), in --help order
COMMAND_MODULES = ("core.cli.dataset", "core.cli.train", "core.cli.predict", "core.cli.correct", "core.cli.explain",
                   "core.cli.library", "core.cli.files", "core.cli.novelty", "core.cli.peaks")


def build_parser() -> argparse.ArgumentParser:
    """The whole `irgroups` parser."""
    from core import __version__

    p = argparse.ArgumentParser(prog="irgroups", description="Functional groups from IR spectra, explained.")
    p.add_argument("--version", action="version", version=f"irgroups {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    for module in COMMAND_MODULES:
        importlib.import_module(module).add_parser(sub)

    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CLIError as exc:
        print(f"irgroups: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("irgroups: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
