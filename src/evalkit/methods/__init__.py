"""Causal estimators for coverage evaluation.

One method per module, each returning a result with ``summary()``, ``tidy()`` and ``plot()``;
scalar effects are :class:`Estimate` objects.

* :mod:`.its` — interrupted time series (segmented regression, Newey–West)
* :mod:`.did` — ``twfe`` (CR1 / wild cluster bootstrap / randomization inference), ``event_study``,
  ``callaway_santanna``
* :mod:`.synth` — ``synthetic_control`` with in-space placebos
"""
from . import did, its, synth
from .result import Estimate


def randomization_inference(df, outcome, unit, time, treat, *, covariates=(), B: int = 999, seed: int = 0,
                            alpha: float = 0.05) -> Estimate:
    """TWFE estimate with a permutation p-value and CI (treatment paths permuted across units)."""
    return did.twfe(df, outcome, unit, time, treat, covariates=covariates, inference="ri", B=B, seed=seed,
                    alpha=alpha)


__all__ = ["Estimate", "did", "its", "synth", "randomization_inference"]
