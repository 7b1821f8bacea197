"""Training in a child process: spawning works and a failing run is one line, not a hang."""
import pytest

from irgroups_gui.train_process import TrainingProcess, TrainingProcessError, check_child_process


def test_a_spawned_child_imports_the_training_code_and_answers():
    assert check_child_process(timeout=120).startswith("torch ")


def test_a_missing_dataset_fails_with_one_line(tmp_path):
    run = TrainingProcess(str(tmp_path / "missing.h5"), "paper", {"max_epochs": 1}, 1)
    with pytest.raises(TrainingProcessError) as err:
        run.run(progress=lambda e: None)
    assert "missing.h5" in str(err.value) and "\n" not in str(err.value)
