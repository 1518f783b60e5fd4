"""The one shape every robustness check returns, and the point fit the checks re-run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

#: A design's point estimator without inference: ``fit(df, outcome, unit, time, treated, treatment_time)`` →
#: ``(estimate, donor weights)`` (e.g. :func:`evalkit.evaluation.designs.synth.point_fit`).
PointFit = Callable[..., tuple[float, pd.Series]]


@dataclass(frozen=True)
class CheckResult:
    """A check's verdict: ``name``; ``passed`` (``None`` when the check gives no verdict on these data); ``table``
    (one row per re-fit); ``text`` (one line in English, for logs and the REPL — the report words it from the
    catalogue); ``values`` (the numbers the report quotes)."""

    name: str
    passed: bool | None
    table: pd.DataFrame
    text: str
    values: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.table)

    def __str__(self) -> str:
        verdict = {True: "passed", False: "FAILED", None: "no verdict"}[self.passed]
        return f"{self.name}: {verdict} — {self.text}"
