"""The small, uniform result object every estimator returns for a scalar effect."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Estimate:
    """A scalar effect with its uncertainty and the level of its interval (``level``, printed by :meth:`summary`).

    ``estimate``/``se``/``ci_low``/``ci_high`` are in the outcome's unit (percentage points for
    coverage in percent); ``pvalue`` tests "no effect"; ``n_obs`` counts the rows used; ``method``
    names the estimator and inference; ``info`` holds extras (clusters, bootstrap draws, seed …).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float
    n_obs: int
    method: str
    info: dict = field(default_factory=dict, compare=False)
    #: the level of ``[ci_low, ci_high]`` (a share): the level asked for, or the one placebos can give (j/(m + 1))
    level: float = 0.95

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the confidence interval."""
        return self.ci_low <= value <= self.ci_high

    def tidy(self) -> pd.DataFrame:
        """One-row DataFrame: method, estimate, se, ci_low, ci_high, ci_level, pvalue, n_obs."""
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "ci_level": self.level,
                    "pvalue": self.pvalue,
                    "n_obs": self.n_obs,
                }
            ]
        )

    def summary(self) -> str:
        se = "n/a" if math.isnan(self.se) else f"{self.se:.4f}"
        extra = ", ".join(f"{k}={v}" for k, v in self.info.items() if not isinstance(v, (list, dict)))
        return (
            f"{self.method}: estimate {self.estimate:.4f} (se {se}), {self.level:.1%} CI [{self.ci_low:.4f}, "
            f"{self.ci_high:.4f}], p = {self.pvalue:.4g}, n = {self.n_obs}" + (f" [{extra}]" if extra else "")
        )

    def __str__(self) -> str:
        return self.summary()
