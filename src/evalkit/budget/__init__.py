"""APBD budget model: unit cost, projection, required budget, allocation (issue #5)."""
from .cost import PROGRAMMES, recipients_cost_by_year, unit_cost, unit_cost_table

__all__ = ["PROGRAMMES", "recipients_cost_by_year", "unit_cost", "unit_cost_table"]
