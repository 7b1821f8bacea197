"""PyInstaller entry point of the desktop app (also `--self-test`)."""
import sys

from irgroups_gui.app import main

if __name__ == "__main__":
    sys.exit(main())
