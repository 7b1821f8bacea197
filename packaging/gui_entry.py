"""PyInstaller entry point of the desktop app (also `--self-test`)."""
import multiprocessing
import sys

from irgroups_gui.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the app trains in a spawned child process
    sys.exit(main())
