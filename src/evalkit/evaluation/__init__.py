"""Did the subsidy raise coverage? Notebook 02's designs, their data and their presentation.

* :mod:`.descriptive` — before/after tables and trend plots (no causal claim);
* :mod:`.panels` — each design's data (and, for synthetic data, its exact target);
* :mod:`.designs` — running the designs (:func:`run_designs`), the comparison table, and reading the
  dose-response additionality the budget uses back from it (:func:`additionality_from_table`);
* :mod:`.present` — the forest plot and the notebook text of each design.

The estimators themselves are the numeric core in :mod:`evalkit.methods`.
"""
from .designs import (DESIGNS, HEADLINE_DESIGNS, METHODS, WORKER_WEIGHTED_DESIGNS, DesignResult, additionality_from_table,
                      comparison_table, headline_effect, run_designs)
from .panels import kabkota_vs_provinces, kaltim_series, staggered_panel, windows
from .present import forest_plot, present, reading

__all__ = ["DESIGNS", "HEADLINE_DESIGNS", "METHODS", "DesignResult", "additionality_from_table", "comparison_table",
           "forest_plot", "headline_effect", "WORKER_WEIGHTED_DESIGNS",
           "kabkota_vs_provinces", "kaltim_series", "present", "reading", "run_designs", "staggered_panel", "windows"]
