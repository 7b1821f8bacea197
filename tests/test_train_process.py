"""Training in a child process: spawning works and a failing run is one line, not a hang."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from irgroups_gui.train_process import TrainingProcess, TrainingProcessError, check_child_process


def test_a_spawned_child_imports_the_training_code_and_answers():
    answer = check_child_process(timeout=120)
    assert answer.startswith("torch ")
    # the child inherits the app's OpenMP wait policy: its idle threads sleep instead of spinning
    assert answer.endswith(f"OMP_WAIT_POLICY {os.environ['OMP_WAIT_POLICY']}")


@pytest.mark.parametrize("user, expected", [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_the_app_sets_a_sleeping_openmp_wait_policy_before_torch_loads(user, expected):
    """Importing the app sets OMP_WAIT_POLICY=PASSIVE unless the user set it, and it does so
    before torch is imported (libgomp reads the variable once, when torch loads it)."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"} | ({"OMP_WAIT_POLICY": user} if user else {})
    code = ("import sys, irgroups_gui, os; assert 'torch' not in sys.modules; "
            "from irgroups_gui.train_process import check_child_process; "
            "print(os.environ['OMP_WAIT_POLICY'], check_child_process().split()[-1])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-1000:]
    assert out.stdout.split() == [expected, expected]


def test_a_missing_dataset_fails_with_one_line(tmp_path):
    run = TrainingProcess(str(tmp_path / "missing.h5"), "paper", {"max_epochs": 1}, 1)
    with pytest.raises(TrainingProcessError) as err:
        run.run(progress=lambda e: None)
    assert "missing.h5" in str(err.value) and "\n" not in str(err.value)
