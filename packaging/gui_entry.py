"""PyInstaller entry point of the desktop app (also `--self-test`). On Linux the bundle has one
executable: started as `irgroups` (a symbolic link to it) it is the command line."""
import multiprocessing
import sys
from pathlib import Path

if __name__ == "__main__":
    multiprocessing.freeze_support()  # first: the app trains in a spawned child process of this executable
    if Path(sys.argv[0]).name == "irgroups":
        from core.cli.main import main
    else:
        from irgroups_gui.app import main
    sys.exit(main())
