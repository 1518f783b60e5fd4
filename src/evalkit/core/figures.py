"""Shared figure style and the SYNTHETIC DATA stamp."""

from __future__ import annotations

import datetime as dt

import matplotlib
import numpy as np

matplotlib.use("Agg", force=False)
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ["#1b6ca8", "#e07b39", "#3a9d5d", "#c0392b", "#7d5ba6", "#8c6d31", "#d35d9b", "#7f7f7f", "#b5a21d", "#17a2b8"]
KALTIM_COLOR = "#c0392b"
OTHER_COLOR = "#9aa5b1"


def setup_style() -> None:
    """A clean, print-friendly style used by every evalkit figure."""
    plt.rcParams.update(
        {
            "figure.figsize": (9, 4.8),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": matplotlib.cycler(color=PALETTE),  # type: ignore[attr-defined]
            "font.size": 10,
            "axes.titlesize": 11,
            "legend.frameon": False,
            "svg.hashsalt": "evalkit",
        }
    )


def stamp(fig, text: str) -> None:
    """Write ``text`` (e.g. "SYNTHETIC DATA") across the figure, visibly but behind the data."""
    if not text:
        return
    fig.text(
        0.5,
        0.5,
        text,
        fontsize=26,
        color="#c0392b",
        alpha=0.13,
        ha="center",
        va="center",
        rotation=18,
        weight="bold",
        zorder=0,
    )
    # below the axes and their ticks: the saved figure (bbox_inches="tight") grows to hold it
    fig.text(0.995, -0.01, text, fontsize=10, color="#c0392b", ha="right", va="top", weight="bold")


def month_axis(ax) -> None:
    """Year ticks (1 January) on a monthly time axis, labelled ``%Y``.

    The ticks are fixed from the plotted data's date range: the same ticks ``YearLocator`` gives,
    without recomputing a date rule at every draw (a third of the drawing time of the 10-panel trends).
    """

    from matplotlib.ticker import FixedLocator

    lo, hi = ax.dataLim.intervalx
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi < lo:  # nothing plotted yet: the general rule
        ax.xaxis.set_major_locator(mdates.YearLocator())
    else:
        first, last = mdates.num2date(lo).year, mdates.num2date(hi).year + 1
        ax.xaxis.set_major_locator(
            FixedLocator(mdates.date2num([dt.datetime(y, 1, 1) for y in range(first, last + 1)]))
        )
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def time_axis(ax) -> None:
    """Readable ticks for any time axis (concise dates for datetimes)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def vline_policy(ax, when, label: str) -> None:
    """Dashed vertical line at the policy start."""
    ax.axvline(when, color="#333333", ls="--", lw=1, label=label)


def plot_counts(names, counts, labels: dict[str, str], ax=None, figsize: tuple[float, float] = (8, 3.8)):
    """Horizontal bars of ``counts`` per worded ``names`` (the first name on top), in the alert colour: how many
    rows or cases each check flags; ``labels``: ``xlabel``."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=figsize)
    ax.barh(list(names)[::-1], list(counts)[::-1], color="#c0392b")
    ax.set_xlabel(labels.get("xlabel", ""))
    return fig
