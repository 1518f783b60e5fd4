"""Confidence intervals by test inversion: the set of null values a test does not reject.

Used by the wild cluster bootstrap (:mod:`.wild`), which has a
p-value function of the hypothesised effect and needs the two points where it crosses ``alpha``.
"""
from __future__ import annotations

from typing import Callable


def invert_test(pvalue: Callable[[float], float], center: float, step: float, alpha: float, *,
                iterations: int = 60, rel_tol: float = 0.0) -> tuple[float, float]:
    """``(low, high)``: where ``pvalue(b)`` crosses ``alpha`` below and above ``center`` (the estimate).

    From ``center ± step`` the search doubles the distance until the test rejects (at most 60 doublings),
    then bisects ``iterations`` times, or until the bracket is narrower than ``rel_tol × max(1, |center|)``.
    """
    step = max(step, 1e-8)

    def bound(direction: int) -> float:
        inside, outside = center, center + direction * step
        k = 0
        while pvalue(outside) > alpha and k < 60:
            inside, outside = outside, center + direction * step * 2 ** (k + 1)
            k += 1
        for _ in range(iterations):
            mid = (inside + outside) / 2
            if pvalue(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if rel_tol and abs(outside - inside) < rel_tol * max(1.0, abs(center)):
                break
        return (inside + outside) / 2

    return bound(-1), bound(+1)
