"""Placebo in time (backdating): on the periods before the real start only, pretend the policy started at
``fake_time``; a design that tracks the treated unit well finds no effect there."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..methods.panel import period_index, period_of
from .base import CheckResult, PointFit


def placebo_in_time(
    fit: PointFit,
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treated,
    treatment_time,
    *,
    fake_times: list | None = None,
    reference: float | None = None,
) -> CheckResult:
    """One row per fake start: ``fake_time``, ``pre_periods`` and ``post_periods`` (of the truncated panel) and
    ``estimate`` (the effect the design finds where there is none by construction).

    Default fake start: the middle of the pre-period (none when it has fewer than four periods). A fake start must
    leave at least two periods before it and one after it, all before ``treatment_time``; otherwise
    :class:`ValueError` names it. With ``reference`` (the real estimate) the check passes when every backdated
    estimate is under half the real one in size; without it there is no verdict."""
    before = df[period_index(df[time]) < period_of(treatment_time)]
    labels = before[time].drop_duplicates()
    order = np.argsort(period_index(labels), kind="stable")
    labels, periods = labels.iloc[order], period_index(labels)[order]  # the pre-period's times, in order
    if fake_times is None:  # the middle; needs four periods to leave two before it and one after
        fake_times = [labels.iloc[len(labels) // 2]] if len(labels) >= 4 else []
    rows = []
    for fake in fake_times:
        tf = period_of(fake)
        n_pre, n_post = int((periods < tf).sum()), int((periods >= tf).sum())
        if n_pre < 2 or n_post < 1:
            raise ValueError(
                f"placebo in time: fake start {fake} leaves {n_pre} periods before it and {n_post} "
                "after it before the real start (needs at least 2 and 1)"
            )
        est, _ = fit(before, outcome, unit, time, treated, fake)
        rows.append({"fake_time": fake, "pre_periods": n_pre, "post_periods": n_post, "estimate": est})
    table = pd.DataFrame(rows, columns=["fake_time", "pre_periods", "post_periods", "estimate"])
    largest = float(table["estimate"].abs().max()) if len(table) else float("nan")
    passed = None if reference is None or not len(table) else bool(largest < abs(reference) / 2)
    return CheckResult(
        "placebo_in_time",
        passed,
        table,
        f"{len(table)} backdated starts: largest |estimate| {largest:.3f}",
        {"largest": largest},
    )
