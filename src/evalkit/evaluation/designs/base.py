"""The shape every design shares: what it reads (:class:`Inputs`), what it returns (:class:`DesignResult`), how its
uncertainty is computed (:class:`Inference`, chosen once per design and recorded on the result) and the plug-in
base (:class:`Design`) each module of this package fills in.

A design module owns everything about its design: the data it takes, the fit, its chart's data and drawing, and the
sentences the report says about it (as catalogue keys with their values, so this package never holds report text).
The registry (:mod:`evalkit.evaluation.designs`) finds the modules; every list of designs elsewhere is derived
from it. The report's declarations import the registry, so a design module imports its estimators
(:mod:`evalkit.methods`: scipy, statsmodels) inside the functions that fit, not at the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import pandas as pd

from ...data.dataset import Dataset

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...methods.result import Estimate
    from ...params.schema import Evaluation, Params

#: A sentence of the report: a catalogue key and the values filled into it (already formatted text).
Sentence = tuple[str, dict[str, object]]


class Formatter(Protocol):
    """What a design needs to word its sentences: the notebook context (:class:`evalkit.report.notebook.Context`)
    is one; numbers and months are formatted in the report's language by it."""

    def t(self, key: str, **fmt: object) -> str: ...
    def pp(self, x: float, decimals: int = 1) -> str: ...
    def pct(self, x: float, decimals: int = 1) -> str: ...
    def num(self, x: float, decimals: int = 0) -> str: ...
    def month(self, ts: Any) -> str: ...


@dataclass(frozen=True)
class Inputs:
    """What every design reads, prepared once per run by :func:`evalkit.evaluation.designs.run_designs`."""

    data: Dataset
    params: Params
    #: the outcome column (``params.evaluation.outcome``)
    outcome: str
    #: the Pergub's first month, as a timestamp
    start: pd.Timestamp
    #: synthetic data with the simulator's truth for this outcome: results carry their exact target (never read
    #: by an estimator)
    synthetic: bool
    #: the panel has comparison provinces
    has_comparison: bool

    @property
    def ev(self) -> Evaluation:
        return self.params.evaluation


#: The level Pergub 19/2023 is assigned at (the province code column of
#: :func:`evalkit.evaluation.panels.kabkota_vs_provinces`): the cluster of every design comparing Kaltim with other
#: provinces.
ASSIGNMENT = "province_code"


@dataclass(frozen=True)
class Inference:
    """How a design's uncertainty is computed: ``kind`` (``cluster`` CR1, ``wild`` bootstrap, ``few_treated`` /
    ``ri`` placebos at the assignment level, ``placebo`` in-space placebos, ``hac`` Newey–West), the cluster
    column and the bootstrap draws."""

    kind: str
    cluster: str | None = None
    draws: int | None = None

    def twfe_kwargs(self, seed: int, alpha: float) -> dict[str, Any]:
        """The keyword arguments :func:`evalkit.methods.did.twfe` takes for this choice."""
        return {"inference": self.kind, "B": self.draws, "seed": seed, "alpha": alpha, "cluster": self.cluster}


def assignment_inference(ev: Evaluation) -> Inference:
    """``evaluation.did_inference`` at the assignment level (the province): the choice of the designs that compare
    Kaltim's kab/kota with other provinces by regression."""
    kind = ev.did_inference
    return Inference(kind, ASSIGNMENT, ev.bootstrap_draws if kind == "wild" else None)


@dataclass
class DesignResult:
    """One design's result; ``not_run`` names why it did not run (``no_comparison`` or ``failed``, with
    ``detail``), and then ``estimate`` and ``result`` are ``None``. ``inference`` and ``estimand`` say how the
    interval was computed and what the estimate estimates; the interval's level travels with ``estimate.level``."""

    design: str
    estimate: Estimate | None
    result: Any
    truth: float | None = None
    notes: dict | None = None
    not_run: str | None = None
    detail: str = ""
    inference: str = ""
    estimand: str = ""

    @property
    def level(self) -> float | None:
        """The level the interval has (``None`` when the design did not run)."""
        return None if self.estimate is None else self.estimate.level


def persistence_sentences(result: DesignResult, fmt: Formatter) -> list[Sentence]:
    """The treated province's pre-period shocks against the comparison provinces' (persistence and spread), for a
    design whose interval comes from province placebos studentised by each province's long-run variance."""
    info = result.estimate.info if result.estimate is not None else {}
    if "treated_rho" not in info:
        return []
    if not info.get("long_run"):
        return [("persistence_short_line", {})]
    return [
        (
            "persistence_line",
            {
                "rho": fmt.num(info["treated_rho"], 2),
                "rho_controls": fmt.num(info["control_rho_median"], 2),
                "ratio": fmt.num(info["treated_sd_ratio"], 1),
            },
        )
    ]


def month_labels(frame: pd.DataFrame, column: str = "time") -> pd.DataFrame:
    """``frame`` with ``column`` renamed ``period`` and written as ``YYYY-MM`` (the chart tables' month column)."""
    out = frame.rename(columns={column: "period"})
    return out.assign(period=pd.DatetimeIndex(out["period"]).strftime("%Y-%m"))


class Design:
    """A design plugged into notebook 02. Subclasses set the class attributes and implement :meth:`run`; the
    other methods have defaults a design without a chart or extra sentences keeps."""

    #: the key in ``params.evaluation.methods`` (and the suffix of its catalogue keys: ``design_<name>``,
    #: ``assume_<name>``, ``cap_<name>`` when it has a chart, ``gloss_<name>`` when in the glossary)
    name: ClassVar[str]
    #: its place in the design list (notebook 02's sections, the comparison table's rows)
    position: ClassVar[float]
    #: what the estimate estimates, in one clause (recorded on every result)
    estimand: ClassVar[str]
    #: compares Kaltim with other provinces: skipped, with that reason, when the panel has none
    needs_comparison: ClassVar[bool] = False
    #: its rank among the designs the summary may quote as "the effect" (lower first; ``None``: never quoted)
    headline_rank: ClassVar[int | None] = None
    #: its estimand weights kab/kota by their vulnerable workers: "workers protected" may be counted from it
    worker_weighted: ClassVar[bool] = False
    #: it estimates the Pergub's effect on coverage (read together in the reading across designs)
    pergub_effect: ClassVar[bool] = True
    #: the estimate's unit: ``pp`` (percentage points of coverage) or ``ratio`` (a slope, shown with 3 decimals and
    #: kept off the forest plot's axis)
    unit: ClassVar[str] = "pp"
    #: run only together with this design (never named in params)
    companion_of: ClassVar[str | None] = None
    #: has a glossary entry (``gloss_<name>_term`` / ``gloss_<name>``)
    in_glossary: ClassVar[bool] = False
    #: the columns of its chart's data table (``design_<name>``) and their report units; empty: no chart
    chart_columns: ClassVar[dict[str, str]] = {}
    #: the roles of its chart's labels and the catalogue keys that word them
    plot_labels: ClassVar[dict[str, str]] = {}
    #: further tables it shows after its sentences: suffix → columns and their report units (table
    #: ``design_<name>_<suffix>``, caption ``cap_<name>_<suffix>``), filled by :meth:`table_data`
    tables: ClassVar[dict[str, dict[str, str]]] = {}

    def inference(self, inputs: Inputs) -> Inference:
        """How this design's uncertainty is computed on ``inputs`` (chosen once; recorded on the result)."""
        return Inference("cluster")

    def run(self, inputs: Inputs, earlier: dict[str, DesignResult]) -> DesignResult | None:
        """Fit the design (``earlier``: the results of the designs run before it). ``None``: nothing to estimate
        on these data (no section). Raise one of :data:`evalkit.evaluation.designs.CANNOT_RUN` when the data
        cannot carry it."""
        raise NotImplementedError

    def figure_data(self, result: DesignResult) -> pd.DataFrame | None:
        """The data its chart draws, with exactly :attr:`chart_columns` (``None`` without a chart)."""
        return None

    def table_data(self, result: DesignResult, suffix: str) -> pd.DataFrame | None:
        """The rows of its table ``suffix`` (one of :attr:`tables`, exactly those columns); ``None``: not shown."""
        return None

    def plot(self, result: DesignResult, labels: dict[str, str], ax: Axes | None = None) -> Figure | None:
        """Its chart (``labels``: :attr:`plot_labels` worded); ``None`` without a chart."""
        return None

    def intro(
        self, result: DesignResult, fmt: Formatter, params: Params, earlier: dict[str, DesignResult]
    ) -> list[Sentence]:
        """What is said before the chart: by default the design's assumption in plain words."""
        return [
            (
                f"assume_{self.name}",
                {
                    "start": fmt.month(params.policy_start),
                    "control": fmt.t(f"control_{params.evaluation.staggered_control}"),
                },
            )
        ]

    def sentences(self, result: DesignResult, fmt: Formatter) -> list[Sentence]:
        """What is said after the result line (pre-trend tests, donors, robustness checks …)."""
        return []

    def result(
        self,
        inputs: Inputs,
        estimate: Estimate | None,
        fitted: object,
        truth: float | None = None,
        notes: dict | None = None,
    ) -> DesignResult:
        """A :class:`DesignResult` of this design, with its inference and estimand recorded."""
        return DesignResult(
            self.name, estimate, fitted, truth, notes, inference=self.inference(inputs).kind, estimand=self.estimand
        )
