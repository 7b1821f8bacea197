"""A minimal plain-Python signal: the app's model objects emit, Qt views listen."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any


class Signal:
    """Callbacks called in connection order with the emitted arguments."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)

    def calls(self, *args: Any) -> list[Callable[[], Any]]:
        """One call per slot with these arguments, in connection order, to run later (one per
        step of a StepQueue, say) instead of all at once."""
        return [partial(slot, *args) for slot in self._slots]
