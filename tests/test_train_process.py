"""Training in a child process: spawning works and a failing run is one line, not a hang."""
import os

import pytest

from irgroups_gui.train_process import TrainingProcess, TrainingProcessError, check_child_process


def test_a_spawned_child_imports_the_training_code_and_answers(monkeypatch):
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    answer = check_child_process(timeout=120)
    assert answer.startswith("torch ")
    # the child's OpenMP threads sleep when idle (they do not spin on the window's cores); the
    # app's own environment is left as it was
    assert answer.endswith("OMP_WAIT_POLICY PASSIVE") and "OMP_WAIT_POLICY" not in os.environ


def test_a_wait_policy_the_user_set_is_kept(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert check_child_process(timeout=120).endswith("OMP_WAIT_POLICY ACTIVE")
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"


def test_a_missing_dataset_fails_with_one_line(tmp_path):
    run = TrainingProcess(str(tmp_path / "missing.h5"), "paper", {"max_epochs": 1}, 1)
    with pytest.raises(TrainingProcessError) as err:
        run.run(progress=lambda e: None)
    assert "missing.h5" in str(err.value) and "\n" not in str(err.value)
