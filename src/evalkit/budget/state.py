"""The state the budget works on: kab/kota populations and coverage in the base year, grown year by year.

Persons per kab/kota *i* and APBD year *y* (arrays ``draws × kab/kota × years``):

* ``W`` the BPJS Ketenagakerjaan target population of workers (``target_workers``: the denominator of the
  total coverage the Governor quotes), growing at ``working_pop_growth_share``, and ``V`` vulnerable
  (BPU-eligible) workers, growing at ``vulnerable_growth_share``;
* ``PU`` participants of the other segments (PU, JAKON, PMI): today's share of ``W`` plus
  ``formal_coverage_growth_pp`` percentage points of ``W`` a year (employer compliance), at most ``W − V`` (or
  today's share, if that is larger);
* ``S`` self-paid BPU participants *without* the subsidy: today's share plus ``self_paid_growth_pp`` a year;
* ``E = V − S`` the **eligible uncovered**: vulnerable workers no one else covers — the only people a
  subsidy can be given to (recipients never exceed ``E``).

What a number of recipients ``R`` adds to coverage (:func:`added`): additionality falls as coverage
saturates. ``a`` is the share of today's marginal recipients who would not be covered otherwise (params, or
notebook 02's estimate). The next recipient is additional with probability ``a·u/u0``, where ``u`` is the
share of vulnerable workers still uncovered (``u0`` today): as fewer remain uncovered, the next recipient is
more likely someone who would have joined anyway. Integrating gives

    added(R) = E · (1 − exp(−k·R)),   k = a / (u0 · V)

so ``added`` never exceeds ``E`` (coverage never above 100%), and subsidising every eligible person adds
``E·(1 − exp(−a·E/(u0·V)))`` — less than ``E``. It never exceeds ``R`` either (one contribution covers one
person): :func:`added` takes the smaller of the two. The base-year self-paid share is chosen so that today's
recipients add exactly today's subsidised coverage and today's marginal recipient is additional with
probability ``a`` (:func:`self_paid_share0`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import EvalkitError
from ..params.schema import UNCERTAIN
from .basis import basis

if TYPE_CHECKING:
    from ..params.schema import Params


class BudgetInfeasible(EvalkitError):
    """The target or the allocation cannot be met under the constraints; the message names them."""

    kind = "budget"


@dataclass
class BaseState:
    """Base-year state per kab/kota (index = region code), persons.

    ``table`` columns: ``region_name, W`` (target population), ``V, PU`` (participants of other segments), ``F``
    (``W − V``), ``BPU`` (BPU participants),
    ``R`` (subsidised recipients, all funders), ``u0`` (uncovered share of vulnerable workers, ``1 − BPU/V``).
    The self-paid part depends on the additionality assumed and is computed by :func:`grow`."""

    year: int
    month: pd.Timestamp
    table: pd.DataFrame


def base_state(params: Params, data) -> BaseState:
    """Kab/kota state in the last panel month of ``target.base_year`` (or the latest month before it)."""
    kt = data.kaltim
    year = params.target.base_year
    months = kt.loc[kt["period"].dt.year <= year, "period"]
    if months.empty:
        raise BudgetInfeasible(f"the data has no month in or before target.base_year {year}")
    month = months.max()
    m = kt[kt["period"] == month].set_index("region_code").sort_index()
    R = m[["subsidised_prov", "subsidised_kabkota", "subsidised_csr"]].sum(axis=1).astype(float)
    V = m["vulnerable_workers"].astype(float)
    bpu = m["bpu_participants"].astype(float)
    t = pd.DataFrame(
        {
            "region_name": m["region_name"],
            "W": m["target_workers"].astype(float),
            "V": V,
            "PU": (m["participants_total"] - m["bpu_participants"]).astype(float),
            "BPU": bpu,
            "R": R,
            "u0": (1 - bpu / V).clip(lower=1e-6),
        }
    )
    t["F"] = t["W"] - t["V"]
    return BaseState(year, month, t)


def years_of(params: Params) -> np.ndarray:
    """The APBD years projected: ``budget.start_year`` … ``budget.end_year``."""
    return np.arange(params.budget.start_year, params.budget.end_year + 1)


def central(params: Params, additionality: float) -> dict[str, np.ndarray]:
    """The uncertain inputs at their params values, as one draw (arrays of length 1)."""
    values = {name: float(getattr(params.budget, name)) for name in UNCERTAIN}
    values["additionality_share"] = float(additionality)
    return {k: np.array([v]) for k, v in values.items()}


def self_paid_share0(table: pd.DataFrame, a) -> np.ndarray:
    """The base-year self-paid share ``S0/V0`` (``draws × kab/kota × 1`` for ``a`` of shape ``draws × 1 × 1``)
    for which today's recipients add exactly today's ``BPU − S0`` and the marginal one is additional with
    probability ``a``: ``S0 = V0 − u0·V0·exp(a·R0 / (u0·V0))``."""
    per = lambda name: table[name].to_numpy(float)[None, :, None]  # noqa: E731
    return np.clip(1 - per("u0") * np.exp(a * per("R") / (per("u0") * per("V"))), 0, 1)


def grow(base: BaseState, params: Params, draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``W, V, PU, S, E`` and the additionality slope ``k``, each ``draws × kab/kota × years``.

    ``draws`` holds one array (length = number of draws) per name in :data:`UNCERTAIN`."""
    years = years_of(params)
    t = base.table
    col = lambda name: np.asarray(draws[name], dtype=float)[:, None, None]  # noqa: E731  draws × 1 × 1
    k = (years - base.year)[None, None, :].astype(float)
    per = lambda name: t[name].to_numpy(float)[None, :, None]  # noqa: E731  1 × kab/kota × 1
    W = per("W") * (1 + col("working_pop_growth_share")) ** k
    V = per("V") * (1 + col("vulnerable_growth_share")) ** k
    F = np.maximum(W - V, 0)
    a = np.clip(col("additionality_share"), 0.01, 1.0)
    s0 = self_paid_share0(t, a)
    pu_share = per("PU") / np.maximum(per("W"), 1)  # of the target population, today
    pu_rate = np.clip(pu_share + col("formal_coverage_growth_pp") * k / 100, 0, np.maximum(F / W, pu_share))
    s_rate = np.clip(s0 + col("self_paid_growth_pp") * k / 100, 0, 1)
    S = V * s_rate
    E = np.maximum(V - S, 0)
    slope = a / (per("u0") * V)
    return {"W": W, "V": V, "PU": W * pu_rate, "S": S, "E": E, "k": slope}


def added(R: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
    """Persons covered because of ``R`` recipients (same shape as ``state["E"]``), see the module docstring: never
    more than the recipients themselves (one contribution covers one person). Where ``E·k > 1`` — a kab/kota whose
    subsidised share is already large — the curve alone would credit the first recipients with more than one
    person each; up to :func:`one_for_one` recipients each adds exactly one."""
    return np.minimum(state["E"] * -np.expm1(-state["k"] * R), R)


def one_for_one(state: dict[str, np.ndarray], iterations: int = 60) -> np.ndarray:
    """``R*`` per cell: the recipients up to which each adds one person (``E·(1 − e^{−k·R*}) = R*``, 0 where
    ``E·k ≤ 1``). Below ``R*`` the marginal recipient adds 1, above it ``E·k·e^{−k·R}`` (< 1)."""
    E, k = state["E"], state["k"]
    r = np.where(E * k > 1, E, 0.0)  # start right of the root: g(r) − r is concave, Newton descends to it
    for _ in range(iterations):
        g = E * -np.expm1(-k * r) - r
        slope = E * k * np.exp(-k * r) - 1
        r = np.where(E * k > 1, np.maximum(r - g / np.minimum(slope, -1e-12), 0), 0.0)
    return r


def measure_parts(state: dict[str, np.ndarray], measure: str) -> tuple[np.ndarray, np.ndarray]:
    """``(persons covered without any subsidy, denominator)`` of the target measure, summed over kab/kota
    (``draws × years``): ``total_coverage`` — (PU + S, W); ``vulnerable_coverage`` — (S, V)."""
    if measure == "total_coverage":
        return (state["PU"] + state["S"]).sum(axis=1), state["W"].sum(axis=1)
    return state["S"].sum(axis=1), state["V"].sum(axis=1)


def coverage_pct(R: np.ndarray, state: dict[str, np.ndarray], measure: str) -> np.ndarray:
    """Province coverage in percent, ``draws × years``, of recipients ``R`` (``draws × kab/kota × years``):
    (covered without subsidy + added) / denominator, see :func:`measure_parts`.

    Total coverage counts, per kab/kota, at most its whole target population ``W``: BPJS's target population
    and BPS's vulnerable workers are counted differently (in some kab/kota the other segments' participants
    plus every vulnerable worker exceed ``W``), and once every worker of a kab/kota is covered no subsidy adds
    to its coverage. Coverage is therefore never above 100%, in any year, draw or kab/kota."""
    if measure == "total_coverage":
        covered = np.minimum(state["PU"] + state["S"] + added(R, state), state["W"])
        return 100 * covered.sum(axis=1) / state["W"].sum(axis=1)
    covered, denominator = measure_parts(state, measure)
    return 100 * (covered + added(R, state).sum(axis=1)) / denominator


def funding_split(params: Params, data, codes) -> pd.DataFrame:
    """Share of each recipient's contribution paid by province / kab/kota / CSR, per kab/kota (rows sum to 1):
    observed in the data unless params write them (:func:`evalkit.budget.basis.basis`)."""
    return basis(params, data, codes).shares.loc[[str(c) for c in codes]]
