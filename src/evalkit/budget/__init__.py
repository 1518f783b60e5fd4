"""APBD budget model (notebook 03): unit cost, projection, required budget, allocation, value, uncertainty.

* :func:`unit_cost` — Rupiah per worker per month from params;
* :func:`project` — year × kab/kota × funding source projection; :func:`totals` — yearly sums;
* :func:`required_budget` — minimum yearly path to the coverage target, or why it is infeasible;
* :func:`allocate` — split a provincial budget across kab/kota (rules or a HiGHS linear program);
* :func:`value_of`, :func:`extra_groups_cost` — claims paid, cost per additional worker, DPRD-type groups;
* :func:`simulate`, :func:`tornado` — Monte Carlo bands and one-at-a-time sensitivities.
"""
from .cost import PROGRAMMES, recipients_cost_by_year, unit_cost, unit_cost_table
from .model import (ALLOCATION_RULES, Allocation, BudgetInfeasible, RequiredBudget, additionality, allocate,
                    base_state, compare_rules, extra_groups_cost, funding_split, project, required_budget, totals,
                    value_of)
from .uncertainty import MonteCarlo, plot_fan, plot_tornado, simulate, tornado

__all__ = ["PROGRAMMES", "ALLOCATION_RULES", "Allocation", "BudgetInfeasible", "MonteCarlo", "RequiredBudget",
           "additionality", "allocate", "base_state", "compare_rules", "extra_groups_cost", "funding_split",
           "plot_fan", "plot_tornado", "project", "recipients_cost_by_year", "required_budget", "simulate", "tornado",
           "totals", "unit_cost", "unit_cost_table", "value_of"]
