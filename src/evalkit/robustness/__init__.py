"""Robustness checks of the designs that match one treated unit's path (``synth``, ``sdid`` in
:mod:`evalkit.evaluation.designs`); each takes the design's point fit and returns a :class:`CheckResult`.

* :mod:`.leave_one_out` — drop each donor that carries weight in turn and re-estimate (Abadie 2015, §4.4);
* :mod:`.placebo_time` — pretend the policy started earlier, on the pre-period only (a backdating placebo);
  the estimate should be near zero.

In-space placebos are part of the estimators' own inference; power is the minimum detectable effect each design
reports (:func:`evalkit.methods.inference.placebo_mde`, :func:`evalkit.methods.sensitivity.normal_mde`).
"""

from .base import CheckResult, PointFit
from .leave_one_out import leave_one_out
from .placebo_time import placebo_in_time

__all__ = ["CheckResult", "PointFit", "leave_one_out", "placebo_in_time"]
