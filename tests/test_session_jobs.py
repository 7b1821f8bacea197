"""Evidence terms are requested from a job runner and delivered by `terms_ready`; the GUI
thread never computes them. Stale results (other model, other entry selected) are dropped."""
from types import SimpleNamespace

import numpy as np
import torch

from irgroups_gui.jobs import explanation_terms
from irgroups_gui.session import Session


class QueueRunner:
    """A JobRunner that holds jobs until the test runs them (like a slow worker thread)."""

    def __init__(self):
        self.jobs = []

    def __call__(self, job, on_result, on_error):
        self.jobs.append((job, on_result, on_error))

    def finish_next(self):
        job, on_result, on_error = self.jobs.pop(0)
        try:
            result = job()
        except Exception as exc:
            on_error(str(exc))
            return
        on_result(result)


class FakeExplainer:
    def __init__(self, fail=False):
        self.fail, self.threads, self.calls = fail, [], []

    def terms(self, x, phase="unknown"):
        self.threads.append(torch.get_num_threads())
        self.calls.append(float(x[0]))
        self.phases = getattr(self, "phases", []) + [phase]
        if self.fail:
            raise ValueError("broken weights")
        return np.full((2, 3, 4, 5), float(x[0]))


def _session(runner, n=3, explainer=None):
    s = Session(run_job=runner)
    s.add_paths([f"{i}.jdx" for i in range(n)])
    s.set_model(bundle=None, explainer=explainer or FakeExplainer(), patterns=None)
    for i in range(n):
        s.set_prediction(i, SimpleNamespace(ok=True, model_input=np.array([float(i), 0.0]), phase="kbr"))
    return s


def test_terms_never_compute_on_the_calling_thread_and_arrive_by_event():
    runner = QueueRunner()
    s = _session(runner)
    ready = []
    s.terms_ready.connect(ready.append)
    s.selection.update(entry=1)
    assert s.terms(1) is None and len(runner.jobs) == 1 and s.explainer.calls == []
    assert s.terms(1) is None and len(runner.jobs) == 1  # asking again does not queue twice
    runner.finish_next()
    assert ready == [1] and s.terms(1)[0, 0, 0, 0] == 1.0 and runner.jobs == []


def test_rapid_clicks_compute_only_the_last_entry_and_drop_the_stale_one():
    runner = QueueRunner()
    s = _session(runner, n=4)
    ready = []
    s.terms_ready.connect(ready.append)
    for i in (0, 1, 2, 3):  # the user runs down the list faster than the worker
        s.selection.update(entry=i)
        s.terms(i)
    assert len(runner.jobs) == 1  # one job at a time; only the latest request waits
    runner.finish_next()  # entry 0's terms: no longer selected, dropped
    assert ready == [] and s._terms_cache == {}
    assert len(runner.jobs) == 1
    runner.finish_next()
    assert ready == [3] and s.explainer.calls == [0.0, 3.0]


def test_results_from_a_previous_model_are_dropped():
    runner = QueueRunner()
    s = _session(runner)
    s.selection.update(entry=0)
    s.terms(0)
    s.set_model(bundle=None, explainer=FakeExplainer(), patterns=None)
    runner.finish_next()
    assert s._terms_cache == {}


def test_a_failing_job_is_a_one_line_message_and_the_next_request_runs():
    runner = QueueRunner()
    s = _session(runner, explainer=FakeExplainer(fail=True))
    errors = []
    s.job_failed.connect(errors.append)
    s.selection.update(entry=0)
    s.terms(0)
    runner.finish_next()
    assert errors == ["Could not compute the evidence: broken weights"] and s.terms(0) is None
    assert len(runner.jobs) == 1  # asking again retries


def test_inline_runner_returns_the_terms_at_once():
    s = Session()
    s.add_paths(["a.jdx"])
    s.set_model(bundle=None, explainer=FakeExplainer(), patterns=None)
    s.set_prediction(0, SimpleNamespace(ok=True, model_input=np.array([7.0]), phase="gas"))
    s.selection.update(entry=0)
    assert s.terms(0)[0, 0, 0, 0] == 7.0


def test_single_spectrum_terms_use_one_torch_thread_and_restore_the_count():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        ex = FakeExplainer()
        explanation_terms(ex, np.array([1.0]))
        assert ex.threads == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
