"""`make bench`: run every benchmark script in its own process and print their figures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ["bench_predict.py", "bench_startup.py", "bench_gui.py", "bench_loading.py", "bench_train.py", "bench_search.py",
           "bench_artifacts.py"]

if __name__ == "__main__":
    failed = 0
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], cwd=HERE).returncode != 0
    sys.exit(1 if failed else 0)
