"""What one load did, in one status line: how many files were classified, and the errors grouped
by reason (identical reasons once, with a count and the first file), not one line per file."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_REASONS = 3  # reasons named in the line; the rest are counted


@dataclass
class LoadReport:
    """Tally of a load: files done, the total expected, and the errors by reason."""

    total: int = 0
    done: int = 0
    errors: Counter = field(default_factory=Counter)  # reason -> files
    first: dict[str, str] = field(default_factory=dict)  # reason -> first file name with it

    def count(self, name: str, error: str | None) -> None:
        """One file finished: classified (error None) or not, for that reason."""
        self.done += 1
        if error is not None:
            self.errors[error] += 1
            self.first.setdefault(error, name)

    def line(self, cancelled: bool = False) -> str:
        """E.g. 'Classified 197 of 200 files; 3 could not be read: 2 × no ##END= (first:
        a.jdx); 1 × empty file (b.jdx).'"""
        failed = sum(self.errors.values())
        head = (f"Cancelled after {self.done} of {self.total} files; {self.done - failed} classified"
                if cancelled else f"Classified {self.done - failed} of {self.done} files")
        if not failed:
            return head + "."
        parts = []
        for reason, n in self.errors.most_common(MAX_REASONS):
            where = f"first: {self.first[reason]}" if n > 1 else self.first[reason]
            parts.append(f"{n} × {reason} ({where})")
        rest = len(self.errors) - MAX_REASONS
        more = f"; and {rest} other reasons (see the list)" if rest > 0 else ""
        return f"{head}; {failed} could not be read: " + "; ".join(parts) + more + "."
