"""Robustness checks as first-class modules, for the designs that match one treated unit's path
(``synth``: :func:`evalkit.methods.synth.synthetic_control`; ``sdid``: :func:`evalkit.methods.sdid.sdid`).

* :mod:`.leave_one_out` — drop each donor that carries weight in turn and re-estimate (Abadie 2015, §4.4);
* :mod:`.placebo_time` — pretend the policy started earlier, on the pre-period only (a backdating placebo);
  the estimate should be near zero.

In-space placebos are part of the estimators' own inference; power is the minimum detectable effect each design
reports (:func:`evalkit.methods.inference.placebo_mde`, :func:`evalkit.methods.sensitivity.normal_mde`).
"""
from .estimators import ESTIMATORS
from .leave_one_out import leave_one_out
from .placebo_time import placebo_in_time

__all__ = ["ESTIMATORS", "leave_one_out", "placebo_in_time"]
