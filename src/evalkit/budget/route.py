"""Which lever reaches the target: what the subsidy, employer compliance and self-paid membership each
deliver by the target year, and — when the target is out of reach — the smallest change of each lever
(alone) that reaches it, in persons and Rupiah.

Employer compliance is tied to what the compliance module measured: the formal workers employers reported
to Disnaker but did not register with BPJS Ketenagakerjaan (``workers_reported − workers_registered`` as a
share of reported workers, per kab/kota) are the room for that lever; the table shows how much of that
measured gap the scenario's ``formal_coverage_growth_pp`` assumes is closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .requirement import describe, solve
from .state import added, base_state, central, measure_parts, self_paid_share0

if TYPE_CHECKING:
    from ..params.schema import Params

#: params keys a planner can move, with the most the search tries for each (the schema's upper bounds)
CHANGES = {
    "max_new_recipients_per_year": 10_000_000,
    "cap_share_of_revenue": 1.0,
    "formal_coverage_growth_pp": 10.0,
    "self_paid_growth_pp": 10.0,
}


def route_to_target(
    params: Params, data, additionality_share: float, registration_gap: pd.Series | None = None
) -> pd.DataFrame:
    """Persons covered in the base year and the target year, by lever, for the fixed path.

    Rows: ``subsidy`` (workers covered because of recipients), ``employer_compliance`` (formal-sector
    participants), ``self_paid`` (BPU members paying themselves) and ``population_growth`` (the effect of a
    larger workforce on the percentage). Columns: ``lever, base_persons, target_persons, change_persons``
    (whole persons) and ``change_pp`` (percentage points of the target measure). ``registration_gap``
    (share of reported formal workers not registered, by kab/kota code) adds ``measured_gap_persons``: the
    unregistered formal workers employers reported in the base year."""
    b = params.budget
    base = base_state(params, data)
    req = solve(params, data, central(params, additionality_share))
    st = {k: v[0] for k, v in req.state.items()}  # kab/kota × years
    jT = req.j_target
    R = req.recipients[0]
    t = base.table
    total = b.measure == "total_coverage"
    den0 = t["W"].sum() if total else t["V"].sum()  # the base month, from the data
    denT = float(measure_parts(req.state, b.measure)[1][0, jT])
    sub_T = added(R[:, [jT]].astype(float), {k: v[:, [jT]] for k, v in st.items()}).sum()
    self_0 = float((self_paid_share0(t, np.array([[[additionality_share]]]))[0, :, 0] * t["V"].to_numpy()).sum())
    sub_0 = t["BPU"].sum() - self_0  # workers covered today because of today's recipients
    pu_0, pu_T = t["PU"].sum(), st["PU"][:, jT].sum()
    self_T = st["S"][:, jT].sum()
    rows = [
        ("subsidy", sub_0, sub_T),
        ("employer_compliance", pu_0 if total else 0.0, pu_T if total else 0.0),
        ("self_paid", self_0, self_T),
    ]
    out = pd.DataFrame(rows, columns=["lever", "base_persons", "target_persons"])
    out["change_persons"] = out["target_persons"] - out["base_persons"]
    out["change_pp"] = 100 * out["change_persons"] / denT
    covered0 = out["base_persons"].sum()
    growth = pd.DataFrame(
        [
            {
                "lever": "population_growth",
                "base_persons": den0,
                "target_persons": denT,
                "change_persons": denT - den0,
                "change_pp": 100 * (covered0 / denT - covered0 / den0),
            }
        ]
    )
    out = pd.concat([out, growth], ignore_index=True)
    for col in ("base_persons", "target_persons", "change_persons"):
        out[col] = np.round(out[col]).astype(np.int64)
    if registration_gap is not None and total:
        gap = registration_gap.reindex(t.index).fillna(0.0).to_numpy()
        out["measured_gap_persons"] = 0
        out.loc[out["lever"] == "employer_compliance", "measured_gap_persons"] = int(round(float((t["F"] * gap).sum())))
    return out


def _feasible_with(params: Params, data, additionality_share: float, key: str, value: float):
    if key in ("formal_coverage_growth_pp", "self_paid_growth_pp"):
        draws = central(params, additionality_share) | {key: np.array([value])}
        return describe(solve(params, data, draws))
    update = {key: int(value) if key == "max_new_recipients_per_year" else float(value)}
    moved = params.model_copy(update={"budget": params.budget.model_copy(update=update)})
    return describe(solve(moved, data, central(moved, additionality_share)))


def smallest_changes(params: Params, data, additionality_share: float) -> pd.DataFrame:
    """For a target out of reach: the smallest value of each lever (alone, the others as in params) that
    reaches it, found by bisection on the engine; ``reachable`` False when even the lever's maximum does not.

    Columns: ``key`` (params key), ``current, needed, reachable``, ``extra_recipients`` (whole persons in the
    target year) and ``extra_province_rupiah`` (the province's cost in the target year); the last three are empty
    (shown "–") for a lever that cannot reach the target, where they do not apply."""
    b = params.budget
    now = describe(solve(params, data, central(params, additionality_share)))
    jT = int(np.flatnonzero(now.path["year"].to_numpy() == now.by_year)[0])
    rows = []
    for key, most in CHANGES.items():
        current = float(getattr(b, key))
        top = _feasible_with(params, data, additionality_share, key, most)
        if not top.feasible:
            rows.append(
                {
                    "key": key,
                    "current": current,
                    "needed": float("nan"),
                    "reachable": False,  # not applicable:
                    "extra_recipients": float("nan"),
                    "extra_province_rupiah": float("nan"),
                }
            )  # "–", never 0
            continue
        lo, hi = current, most
        for _ in range(40):
            mid = (lo + hi) / 2
            if _feasible_with(params, data, additionality_share, key, mid).feasible:
                hi = mid
            else:
                lo = mid
        needed = float(np.ceil(hi)) if key == "max_new_recipients_per_year" else hi
        res = _feasible_with(params, data, additionality_share, key, needed)
        rows.append(
            {
                "key": key,
                "current": current,
                "needed": needed,
                "reachable": True,
                "extra_recipients": int(res.path["recipients"].iloc[jT] - now.path["recipients"].iloc[jT]),
                "extra_province_rupiah": float(res.path["cost_province"].iloc[jT] - now.path["cost_province"].iloc[jT]),
            }
        )
    return pd.DataFrame(rows)


#: growth assumptions a "reachable" rests on (params keys under ``budget``), in the order they are named
GROWTH_ASSUMPTIONS = (
    "formal_coverage_growth_pp",
    "self_paid_growth_pp",
    "vulnerable_growth_share",
    "working_pop_growth_share",
)


def decisive_assumptions(params: Params, data, additionality_share: float) -> list[dict]:
    """The growth assumptions a reachable target turns on: each key of :data:`GROWTH_ASSUMPTIONS` whose scenario
    value differs from evalkit's default (the params schema's value, which ``params/default.yaml`` keeps) and
    without which — that one value set back to the default, the others as written — the target is out of reach.
    Each: ``key`` (``budget.<name>``), ``value``, ``default``. Empty when the target is out of reach anyway or
    reachable on the defaults."""
    b = params.budget
    if not describe(solve(params, data, central(params, additionality_share))).feasible:
        return []
    out = []
    for name in GROWTH_ASSUMPTIONS:
        value, default = float(getattr(b, name)), float(type(b).model_fields[name].default)
        if value == default:
            continue
        draws = central(params, additionality_share) | {name: np.array([default])}
        if not describe(solve(params, data, draws)).feasible:
            out.append({"key": f"budget.{name}", "value": value, "default": default})
    return out
