"""Entry point of the desktop app (`irgroups-gui`)."""
from __future__ import annotations

import argparse
import sys


def self_test(model: str | None) -> int:
    """Headless check for installed bundles: load the model, classify the samples, print."""
    from core.bundle import load_bundle
    from core.classify import classify_files
    from core.resources import default_model_path, sample_files

    bundle = load_bundle(model or default_model_path())
    samples = sample_files()
    if not samples:
        print("self-test: no bundled samples found", file=sys.stderr)
        return 1
    failed = 0
    for p in classify_files([str(s) for s in samples], bundle):
        if p.ok:
            present = [n for n, f in zip(bundle.group_names, p.present) if f]
            cautions = f"  [caution: {'; '.join(p.warnings)}]" if p.warnings else ""
            print(f"{p.name}: {', '.join(present) or '(none)'}{cautions}")
        else:
            failed += 1
            print(f"{p.source}: error: {p.error}")
    print(f"self-test: {len(samples) - failed}/{len(samples)} samples classified with {len(bundle.members)} members")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="irgroups-gui", description="IR Groups desktop app")
    parser.add_argument("files", nargs="*", help="spectra to open")
    parser.add_argument("--model", help="model folder (default: the bundled model)")
    parser.add_argument("--self-test", action="store_true", help="load the model, classify the samples, exit")
    parser.add_argument("--exit-when-ready", action="store_true",
                        help="print when the window is visible and the model loaded, then quit (start-up timing)")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test(args.model)
    from PySide6.QtWidgets import QApplication

    from irgroups_gui._qt.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("IR Groups")
    window = MainWindow(model_path=args.model)
    window.show()
    if args.exit_when_ready:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: print("window visible", flush=True))
        window.session.model_changed.connect(lambda: (print("model ready", flush=True), window.close()))
    if args.files:
        window.add_paths(args.files)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
