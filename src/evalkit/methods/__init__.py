"""Causal estimators for coverage evaluation.

One method per module, each returning a result with ``summary()``, ``tidy()`` and ``plot()``;
scalar effects are :class:`Estimate` objects.

* :mod:`.its` — interrupted time series (segmented regression, Newey–West)
* :mod:`.did` — ``twfe`` (CR1 / wild cluster bootstrap / few treated clusters), ``event_study``,
  ``callaway_santanna``
* :mod:`.few_treated` — inference when the policy is assigned to one or a few clusters (Conley–Taber placebos,
  Ferman–Pinto studentisation)
* :mod:`.sensitivity` — robust confidence sets under violations of parallel trends (Rambachan–Roth: relative
  magnitudes by the C-LF hybrid, smoothness by the FLCI; the breakdown M̄) and the minimum detectable effect
* :mod:`.synth` — ``synthetic_control`` with in-space placebos and the V-matrix search; ``synth.sdid`` (synthetic
  difference-in-differences, :mod:`.sdid`) and ``synth.conformal`` (conformal inference, :mod:`.conformal`)
"""

from . import conformal, did, few_treated, its, sdid, sensitivity, synth
from .result import Estimate


def randomization_inference(
    df,
    outcome,
    unit,
    time,
    treat,
    *,
    cluster: str | None = None,
    covariates=(),
    B: int = 999,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """TWFE estimate with randomization inference at the assignment level ``cluster`` (default: the unit): the
    treatment is reassigned across untreated clusters and the statistic is studentised (:mod:`.few_treated`)."""
    return did.twfe(
        df,
        outcome,
        unit,
        time,
        treat,
        cluster=cluster,
        covariates=covariates,
        inference="ri",
        B=B,
        seed=seed,
        alpha=alpha,
    )


__all__ = [
    "Estimate",
    "conformal",
    "did",
    "few_treated",
    "its",
    "sdid",
    "sensitivity",
    "synth",
    "randomization_inference",
]
