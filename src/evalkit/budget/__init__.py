"""APBD budget model (notebook 03): what reaching the target costs, where it should go, what it buys.

Split by responsibility, each computation written once:

* :mod:`.cost` — contribution per worker per month (Rupiah);
* :mod:`.state` — kab/kota populations and coverage grown year by year; eligible uncovered workers; what
  recipients add to coverage (additionality falling as coverage saturates); whole persons;
* :mod:`.requirement` — the one engine: need → ramp → limits → cost and coverage, for any number of
  parameter draws (:func:`solve`); the fixed path (:func:`required_budget`);
* :mod:`.projection` — a path's yearly totals by funding source; today's recipients as a path; the
  additionality input;
* :mod:`.allocation` — one year's budget across kab/kota in whole recipients, with the equity of each rule;
* :mod:`.route` — what each lever (subsidy, employer compliance, self-paid) must deliver, and the smallest
  change that makes an infeasible target feasible;
* :mod:`.value` — claims paid, cost per additional worker, other groups per their legal basis;
* :mod:`.uncertainty` — Monte Carlo and tornado through the same engine.
"""

from .allocation import ALLOCATION_RULES, Allocation, allocate, compare_rules, gini
from .basis import Basis, basis
from .cost import PROGRAMMES, invoices_against_panel, kabkota_gap, recipients_cost_by_year, unit_cost, unit_cost_table
from .projection import additionality, status_quo, totals, with_pagu
from .requirement import LIMITS, RequiredBudget, Requirement, describe, required_budget, revenue_path, solve
from .route import GROWTH_ASSUMPTIONS, decisive_assumptions, route_to_target, smallest_changes
from .state import BudgetInfeasible, base_state, central, funding_split
from .uncertainty import MonteCarlo, draw, plot_fan, plot_tornado, simulate, tornado
from .value import extra_groups_cost, value_of

__all__ = [
    "ALLOCATION_RULES",
    "Allocation",
    "Basis",
    "GROWTH_ASSUMPTIONS",
    "basis",
    "decisive_assumptions",
    "BudgetInfeasible",
    "LIMITS",
    "MonteCarlo",
    "PROGRAMMES",
    "RequiredBudget",
    "Requirement",
    "additionality",
    "allocate",
    "base_state",
    "central",
    "compare_rules",
    "describe",
    "draw",
    "extra_groups_cost",
    "invoices_against_panel",
    "kabkota_gap",
    "funding_split",
    "gini",
    "plot_fan",
    "plot_tornado",
    "recipients_cost_by_year",
    "required_budget",
    "revenue_path",
    "route_to_target",
    "simulate",
    "smallest_changes",
    "solve",
    "status_quo",
    "tornado",
    "totals",
    "with_pagu",
    "unit_cost",
    "unit_cost_table",
    "value_of",
]
