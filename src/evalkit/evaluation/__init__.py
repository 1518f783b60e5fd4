"""Did the subsidy raise coverage? Notebook 02's designs, their data and their presentation.

* :mod:`.descriptive` — before/after tables and trend plots (no causal claim);
* :mod:`.panels` — each design's data (and, for synthetic data, its exact target);
* :mod:`.designs` — the designs as plug-ins, one module each, and :func:`run_designs`;
* :mod:`.comparison` — the comparison table, the effect the summary quotes and the dose-response additionality the
  budget reads back (:func:`additionality_from_table`);
* :mod:`.presentation` — the forest plot, the notebook text of each design and notebook 02's headlines;
* :mod:`.headlines` — the headlines notebook 02 hands to the pages.

The estimators themselves are the numeric core in :mod:`evalkit.methods`.
"""

import importlib

#: name → the submodule it lives in: imported on first use, so that ``evalkit.evaluation.designs`` (the registry the
#: report's declarations read) does not load the estimators (scipy, statsmodels: about 2.5 s) with it
_LAZY = {
    **dict.fromkeys(("additionality_from_table", "comparison_table", "headline_effect"), "comparison"),
    **dict.fromkeys(
        (
            "DESIGNS",
            "HEADLINE_DESIGNS",
            "METHODS",
            "REGISTRY",
            "WORKER_WEIGHTED_DESIGNS",
            "DesignResult",
            "run_designs",
        ),
        "designs",
    ),
    **dict.fromkeys(("kabkota_vs_provinces", "kaltim_series", "staggered_panel", "windows"), "panels"),
    **dict.fromkeys(("comparison_section", "forest_plot", "headlines", "present", "reading"), "presentation"),
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_LAZY)
