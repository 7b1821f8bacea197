"""Entry point of the desktop app (`irgroups-gui`)."""
from __future__ import annotations

import argparse
import sys


def self_test(model: str | None) -> int:
    """Headless check for installed bundles: load the model, classify the samples, print."""
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_files
    from core.data.resources import default_model_path, sample_files

    bundle = load_bundle(model or default_model_path())
    samples = sample_files()
    if not samples:
        print("self-test: no bundled samples found", file=sys.stderr)
        return 1
    failed = 0
    for p in classify_files([str(s) for s in samples], bundle):
        if p.ok:
            present = p.present_groups(bundle.group_names)
            cautions = f"  [caution: {'; '.join(p.warnings)}]" if p.warnings else ""
            print(f"{p.name}: {', '.join(present) or '(none)'}{cautions}")
        else:
            failed += 1
            print(f"{p.source}: error: {p.error}")
    print(f"self-test: {len(samples) - failed}/{len(samples)} samples classified with {len(bundle.members)} members")
    from irgroups_gui.train_process import TrainingProcessError, check_child_process

    try:
        print(f"self-test: training child process ok ({check_child_process()})")
    except TrainingProcessError as exc:
        print(f"self-test: training child process failed: {exc}")
        failed += 1
    return 1 if failed else 0


def export_figure(files: list[str], out: str, model: str | None, timeout_s: float = 120.0) -> int:
    """Open `files` offscreen, classify them, draw the main figure (the first file, the others
    overlaid) through File > Export's code path and write exactly `out`. 0 on success, else 1
    with a one-line reason on stderr."""
    import tempfile

    from PySide6.QtWidgets import QApplication

    from irgroups_gui._qt.figure_export import FigureExportError, figure_format

    try:
        figure_format(out)
    except FigureExportError as exc:
        print(f"irgroups-gui: {exc}", file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="irgroups-export-") as scratch:  # the user's recent files stay untouched
        reason = _render_figure(app, files, out, model, scratch, timeout_s)
    if reason:
        print(f"irgroups-gui: {reason}", file=sys.stderr)
        return 1
    print(out)
    return 0


def _render_figure(app, files: list[str], out: str, model: str | None, scratch: str, timeout_s: float) -> str | None:
    """Classify `files` in an offscreen window with its settings in `scratch` and export the
    figure to `out`; the reason it failed, or None."""
    import time

    from PySide6.QtCore import QSettings

    from irgroups_gui._qt.main_window import MainWindow

    window = MainWindow(model_path=model, settings=QSettings(f"{scratch}/settings.ini", QSettings.Format.IniFormat))
    window.resize(1500, 900)
    window.show()
    window.loader.add_paths(files)
    s = window.session
    end = time.monotonic() + timeout_s

    def waiting() -> bool:
        app.processEvents()
        if "Could not load model" in window.statusBar().currentMessage():
            return False
        return time.monotonic() < end and (s.bundle is None or not s.entries or window.loader.classifying
                                           or any(e.prediction is None for e in s.entries))

    while waiting():
        time.sleep(0.01)
    reason = window.statusBar().currentMessage() if s.bundle is None else None
    if reason is None and not s.entries:
        reason = "no spectrum files among " + " ".join(files)
    elif reason is None and any(e.prediction is None for e in s.entries):
        reason = "timed out classifying the files"
    elif reason is None and not any(e.status == "ok" for e in s.entries):
        bad = s.entries[0]
        reason = f"{bad.path}: {bad.prediction.error}"
    if reason is None:
        ok = [i for i, e in enumerate(s.entries) if e.status == "ok"]
        window.files.setCurrentRow(ok[0])
        s.selection.update(entry=ok[0], overlay=tuple(ok))
        for _ in range(5):
            app.processEvents()
        reason = window.exports.figure(out)
    window.close()
    return reason


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="irgroups-gui", description="IR Groups desktop app")
    parser.add_argument("files", nargs="*", help="spectra to open")
    parser.add_argument("--model", help="model folder (default: the bundled model)")
    parser.add_argument("--self-test", action="store_true", help="load the model, classify the samples, exit")
    parser.add_argument("--export-figure", metavar="OUT", help="render the main figure for FILES offscreen to "
                        "OUT (.png or .svg) and exit (the same drawing as File > Export figure)")
    parser.add_argument("--exit-when-ready", action="store_true",
                        help="print when the window is visible and the model loaded, then quit (start-up timing)")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test(args.model)
    if args.export_figure:
        if not args.files:
            parser.error("--export-figure needs at least one FILE")
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return export_figure(args.files, args.export_figure, args.model)
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
        window.loader.add_paths(args.files)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
