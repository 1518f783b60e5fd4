"""How notebook 03 shows the budget: each section's sentences, tables, charts and headlines, through the notebook
context ``ctx`` (:class:`evalkit.report.notebook.Context`). The numbers come from the budget modules; the words come
from the catalogue through ``ctx``, so this module holds no report text and imports nothing from the report.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..data.dataset import coverage_measure
from .allocation import allocate, compare_rules
from .basis import Basis
from .cost import invoices_against_panel, unit_cost
from .projection import totals, with_pagu
from .requirement import RequiredBudget
from .state import BudgetInfeasible, funding_split
from .uncertainty import MonteCarlo, plot_fan, plot_tornado
from .value import extra_groups_cost

BLUE, RED = "#1b6ca8", "#c0392b"


def sources(how: str, paid: Basis) -> tuple[str, ...]:
    """What the budget's headlines rest on besides their declared sources: the additionality used (estimated in
    notebook 02 or written in params) and every params value the basis used instead of a measurement."""
    used = ("estimate:comparison",) if how == "estimated" else ("params:budget.additionality_share",)
    return used + tuple(f"params:{k}" for k in paid.assumed_keys)


def unit_cost_section(ctx: Any, unit: pd.DataFrame) -> None:
    """The contribution per worker and month, in words and as a headline."""
    cost_month = unit_cost(ctx.params)
    ctx.say(
        "budget_reading",
        programmes=" + ".join(unit["programme"]),
        cost_month=ctx.rupiah(cost_month),
        cost_year=ctx.rupiah(12 * cost_month),
    )
    ctx.headline("unit_cost_month", cost_month, ctx.rupiah(cost_month))


def current_cost_section(ctx: Any, by_year: pd.DataFrame) -> None:
    """Whether the invoices are the whole programme, and the latest year's recipients and cost as headlines."""
    check = invoices_against_panel(ctx.data.panel, ctx.params)
    if check is not None and not 0.9 <= check["ratio"] <= 1.1:
        ctx.say(
            "invoices_vs_panel",
            year=check["year"],
            invoiced=ctx.num(check["invoiced"]),
            panel=ctx.num(check["panel"]),
            share=ctx.pct(100 * check["ratio"]),
        )
    last = by_year.iloc[-1]
    if "listed_prov" in by_year:
        ctx.headline("recipients_prov", int(last["listed_prov"]))
    ctx.headline("cost_prov_year", float(last["cost_prov"]))


def required_section(
    ctx: Any, need: RequiredBudget, paid: Basis, a: float, how: str, changes: pd.DataFrame | None, also: tuple[str, ...]
) -> None:
    """The path to the target: the additionality used, the coverage it starts from, whether the target is
    reachable (else the smallest changes that make it so), what the basis observed, the path table and headlines."""
    params, target = ctx.params, ctx.params.target
    measure = ctx.t(f"measure_{params.budget.measure}")
    ctx.say("budget_additionality", a=ctx.num(a, 2), how=ctx.t(f"additionality_{how}"), per100=ctx.num(100 * a, 0))
    latest = ctx.data.coverage(coverage_measure(params.budget.measure)).dropna()
    ctx.say(
        "budget_base_coverage",
        measure=measure,
        pct=ctx.pct(latest.iloc[-1]),
        month=ctx.month(latest.index[-1]),
        published=ctx.pct(target.base_coverage_pct),
        year=target.base_year,
        target=ctx.pct(target.coverage_pct),
        target_year=target.year,
    )
    if (
        params.budget.measure == "total_coverage"
        and ctx.data.meta.get("total_denominator", "target_workers") != "target_workers"
    ):
        ctx.say("total_on_working_pop")
    row_t = need.path.set_index("year").loc[need.by_year]
    if need.feasible:
        ctx.say(
            "budget_feasible",
            target=ctx.pct(need.target_pct),
            measure=measure,
            year=need.by_year,
            recipients=ctx.num(row_t["recipients"]),
            cost=ctx.rupiah_short(row_t["cost_rupiah"]),
            province=ctx.rupiah_short(row_t["cost_province"]),
        )
    else:
        ctx.say(
            "budget_infeasible",
            target=ctx.pct(need.target_pct),
            measure=measure,
            year=need.by_year,
            binding="; ".join(ctx.t(f"binding_{b}") for b in need.binding),
            reached=ctx.pct(need.reached_pct),
        )
        options = [
            ctx.t(f"change_{r.key}", needed=ctx.lever_value(r.key, r.needed), current=ctx.lever_value(r.key, r.current))
            for r in (changes if changes is not None else pd.DataFrame()).itertuples()
            if r.reachable
        ]
        key, fmt = ("budget_missing", {"changes": "; ".join(options)}) if options else ("budget_missing_none", {})
        ctx.say(key, **fmt)
        ctx.headline("target_missing", ctx.t(key, **fmt), also=also)
    ctx.say("budget_months", gap=paid.gap_months, months=paid.months_paid)
    ctx.say(f"basis_gap_{paid.gap_from}", gap=paid.gap_months, year=paid.gap_year or "")
    ctx.say(f"basis_shares_{paid.shares_from}", year=paid.shares_year or "")
    ctx.table(
        need.path[
            [
                "year",
                "recipients",
                "needed_recipients",
                "cost_rupiah",
                "cost_province",
                "cap_rupiah",
                "coverage_pct",
                "coverage_year_avg_pct",
                "coverage_without_subsidy_pct",
            ]
        ],
        "budget_path",
    )
    ctx.headline(
        "budget_need_target_year",
        float(row_t["cost_province"]),
        detail={
            "year": int(need.by_year),
            "recipients": int(row_t["recipients"]),
            "gap_months": paid.gap_months,
            "gap_from": paid.gap_from,
            "shares_from": paid.shares_from,
        },
        also=also,
    )
    for measure_key in ("total", "vulnerable"):
        series = ctx.data.coverage(measure_key).dropna()
        ctx.headline(
            f"{measure_key}_coverage_latest",
            float(series.iloc[-1]),
            f"{ctx.pct(series.iloc[-1])} ({ctx.month(series.index[-1])})",
            detail={"month": series.index[-1].strftime("%Y-%m")},
        )
    ctx.figure(
        plot_budget_path(
            need.path,
            {"province": ctx.t("legend_need_province"), "cap": ctx.t("legend_cap"), "ylabel": ctx.t("axis_rupiah_bn")},
        ),
        "budget_path",
        headline=True,
    )


def plot_budget_path(path: pd.DataFrame, labels: dict[str, str], ax=None):
    """The province's yearly budget need (bars, Rupiah billion) against the ceiling (line); ``labels``:
    ``province``, ``cap``, ``ylabel``."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    years = path["year"].astype(str)
    ax.bar(years, path["cost_province"] / 1e9, color=BLUE, label=labels.get("province"))
    ax.plot(years, path["cap_rupiah"] / 1e9, color=RED, marker="o", label=labels.get("cap"))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(labels.get("ylabel", ""))
    ax.legend()
    return fig


def who_pays_section(ctx: Any, need: RequiredBudget) -> None:
    """What the province pays alone and with co-funding, by year, and each kab/kota's funding shares."""
    tot = totals(ctx.params, need.engine)
    row = tot.set_index("year").loc[need.by_year]
    ctx.say(
        "who_pays_text",
        alone=ctx.rupiah_short(row["cost_province_alone"]),
        year=need.by_year,
        province=ctx.rupiah_short(row["cost_province"]),
    )
    ctx.table(
        tot[
            [
                "year",
                "recipients",
                "cost_province",
                "cost_kabkota",
                "cost_csr",
                "cost_province_alone",
                "cap_rupiah",
                "extra_groups_rupiah",
            ]
        ],
        "funding_split",
    )
    names = dict(zip(ctx.data.kaltim["region_code"], ctx.data.kaltim["region_name"]))
    shares = funding_split(ctx.params, ctx.data, need.engine.codes)
    shares = shares.mul(100).rename(columns=lambda c: f"share_{c}_pct").rename_axis("region_code").reset_index()
    shares.insert(1, "region_name", shares["region_code"].map(names))
    ctx.table(shares, "funding_shares")


def route_section(ctx: Any, need: RequiredBudget, route: pd.DataFrame, changes: pd.DataFrame | None) -> None:
    """What each lever must deliver in the target year, and the smallest changes when the target is out of reach."""
    by_lever = route.set_index("lever")
    ctx.say(
        "route_text",
        year=need.by_year,
        subsidy=ctx.num(by_lever.loc["subsidy", "change_persons"]),
        formal=ctx.num(by_lever.loc["employer_compliance", "change_persons"]),
        selfpaid=ctx.num(by_lever.loc["self_paid", "change_persons"]),
        gap=ctx.num(by_lever["measured_gap_persons"].max()) if "measured_gap_persons" in route else "–",
    )
    ctx.table(route, "route")
    if changes is not None:
        ctx.table(changes, "smallest_changes")


def allocation_section(ctx: Any, need: RequiredBudget, a: float, also: tuple[str, ...]) -> None:
    """The first year's provincial budget across kab/kota by the params' rule, its chart, and the equity of each
    rule; said in words when the limits cannot be met."""
    cfg = ctx.params.budget.allocation
    first_year, province_budget = int(need.path["year"].iloc[0]), float(need.path["cost_province"].iloc[0])
    ctx.say(
        "allocation_intro",
        year=first_year,
        budget=ctx.rupiah_short(province_budget),
        rule=ctx.t(f"rule_{cfg.rule}"),
        equity=ctx.pct(100 * cfg.equity_min_gap_share, 0),
        cap=ctx.pct(100 * cfg.cap_share_of_budget, 0),
    )
    try:
        alloc = allocate(ctx.params, ctx.data, province_budget, a)
    except BudgetInfeasible as exc:
        ctx.say("allocation_infeasible", message=str(exc))
        return
    shown = alloc.table[
        [
            "region_code",
            "region_name",
            "recipients",
            "budget_rupiah",
            "newly_covered",
            "eligible_uncovered",
            "vulnerable_coverage_pct",
        ]
    ]
    ctx.table(shown, "allocation")
    ctx.say("allocation_remainder", rest=ctx.rupiah(alloc.unallocated_rupiah))
    if alloc.shadow_price_per_miliar is not None:
        ctx.say("allocation_shadow", n=ctx.num(alloc.shadow_price_per_miliar))
    ctx.figure(plot_allocation(shown, {"xlabel": ctx.t("axis_rupiah_bn")}), "allocation", headline=True)
    top = shown.sort_values("budget_rupiah", ascending=False).iloc[0]
    ctx.headline(
        "top_allocation",
        top["region_name"],
        f"{top['region_name']} ({ctx.rupiah_short(top['budget_rupiah'])})",
        detail={"budget_rupiah": float(top["budget_rupiah"])},
        also=also,
    )
    rules = compare_rules(ctx.params, ctx.data, province_budget, a)
    chosen, prop = rules.set_index("rule").loc[alloc.rule], rules.set_index("rule").loc["proportional_uncovered"]
    ctx.say(
        "equity_text",
        rule=ctx.t(f"rule_{alloc.rule}"),
        newly=ctx.num(chosen["newly_covered"]),
        worst=chosen["worst_kabkota"],
        worst_pct=ctx.pct(chosen["worst_coverage_pct"]),
        gini=ctx.num(chosen["gini_coverage"], 3),
        prop_newly=ctx.num(prop["newly_covered"]),
        prop_worst_pct=ctx.pct(prop["worst_coverage_pct"]),
        prop_gini=ctx.num(prop["gini_coverage"], 3),
    )
    ctx.table(rules, "allocation_rules")


def plot_allocation(table: pd.DataFrame, labels: dict[str, str], ax=None):
    """Each kab/kota's budget (Rupiah billion), smallest at the bottom; ``labels``: ``xlabel``."""
    import matplotlib.pyplot as plt

    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots(figsize=(8, 4.5))
    order = table.sort_values("budget_rupiah")
    ax.barh(order["region_name"], order["budget_rupiah"] / 1e9, color=BLUE)
    ax.set_xlabel(labels.get("xlabel", ""))
    ax.set_xlim(left=0)
    return fig


def kabkota_gap_section(ctx: Any, gap: pd.DataFrame) -> None:
    """The kab/kota furthest from the target, what closing its gap takes, the gap table and its headline."""
    params = ctx.params
    lag = gap.iloc[0]
    ctx.say(
        "kabkota_gap_text",
        measure=ctx.t(f"measure_{params.budget.measure}"),
        target=ctx.pct(params.target.coverage_pct),
        name=lag["region_name"],
        pct=ctx.pct(lag["coverage_pct"]),
        persons=ctx.num(lag["gap_persons"]),
        fundable=ctx.num(lag["fundable_persons"]),
        employer=ctx.num(lag["employer_persons"]),
        rupiah=ctx.rupiah_short(lag["fundable_rupiah_year"]),
        total=ctx.num(gap["gap_persons"].sum()),
        total_fundable=ctx.num(gap["fundable_persons"].sum()),
        total_rupiah=ctx.rupiah_short(gap["fundable_rupiah_year"].sum()),
    )
    # the column names its measure: all-worker or vulnerable-worker coverage
    short = "total" if params.budget.measure == "total_coverage" else "vulnerable"
    ctx.table(gap.rename(columns={"coverage_pct": f"{short}_coverage_pct"}), "kabkota_gap")
    ctx.headline(
        "lagging_kabkota",
        lag["region_name"],
        f"{lag['region_name']} ({ctx.pct(lag['coverage_pct'])} {ctx.t('short_' + params.budget.measure)})",
        detail={
            "coverage_pct": float(lag["coverage_pct"]),
            "gap_persons": int(lag["gap_persons"]),
            "fundable_persons": int(lag["fundable_persons"]),
            "employer_persons": int(lag["employer_persons"]),
            "fundable_rupiah_year": float(lag["fundable_rupiah_year"]),
            "region_code": str(lag["region_code"]),
        },
    )


def pagu_section(ctx: Any, need: RequiredBudget, a: float, also: tuple[str, ...]) -> None:
    """With a fixed envelope (``budget.pagu``): what each year's Rupiah buys through the same allocation."""
    pagu = with_pagu(ctx.params, ctx.data, need, a)
    if not pagu:
        return
    ctx.heading("h_pagu", level=3)
    for summary, _ in pagu:
        ctx.say(
            "pagu_text",
            year=summary["year"],
            pagu=ctx.rupiah_short(summary["pagu_rupiah"]),
            recipients=ctx.num(summary["recipients"]),
            newly=ctx.num(summary["newly_covered"]),
            top=summary["top_kabkota"],
            coverage=ctx.pct(summary["coverage_pct"]),
            measure=ctx.t(f"measure_{ctx.params.budget.measure}"),
            per=ctx.rupiah(summary["rupiah_per_added"]),
            path=ctx.num(summary["path_recipients"]),
            path_coverage=ctx.pct(summary["path_coverage_pct"]),
        )
    ctx.table(
        pd.concat([t.assign(year=s["year"]) for s, t in pagu])[
            [
                "year",
                "region_code",
                "region_name",
                "recipients",
                "budget_rupiah",
                "newly_covered",
                "vulnerable_coverage_pct",
            ]
        ],
        "pagu_allocation",
    )
    first = pagu[0][0]
    ctx.headline(
        "pagu_recipients",
        first["recipients"],
        ctx.t(
            "pagu_headline",
            pagu=ctx.rupiah_short(first["pagu_rupiah"]),
            year=first["year"],
            recipients=ctx.num(first["recipients"]),
        ),
        detail={
            k: first[k]
            for k in (
                "year",
                "pagu_rupiah",
                "newly_covered",
                "rupiah_per_added",
                "coverage_pct",
                "path_recipients",
                "top_kabkota",
            )
        }
        | {"measure": ctx.params.budget.measure},
        also=also,
    )


def value_section(ctx: Any, need: RequiredBudget, value: dict) -> None:
    """What the target year's recipients buy: expected claims, the benefit ratio and the cost per added worker; the
    other groups' cost under their own legal basis."""
    v = ctx.params.budget.value
    ctx.say(
        "value_text",
        year=need.by_year,
        recipients=ctx.num(value["recipients"]),
        deaths=ctx.num(value["expected_deaths"]),
        accidents=ctx.num(value["expected_accidents"]),
        benefits=ctx.rupiah_short(value["benefits_rupiah"]),
        ratio=ctx.num(value["benefit_cost_ratio"], 2),
        per_worker=ctx.rupiah(value["cost_per_additional_rupiah"]),
        death_rate=ctx.num(v.death_rate_per_1000, 1),
        accident_rate=ctx.num(v.accident_rate_per_1000, 1),
    )
    groups = ctx.params.budget.extra_groups
    if not groups:
        return
    ctx.heading("h_extra_groups", level=3)
    extra = extra_groups_cost(ctx.params, int(need.path["year"].iloc[0]))
    ctx.table(extra, "extra_groups")
    for g in groups:  # what each group's cost rests on, and why it is not the subsidy's
        ctx.say(
            "extra_group_note",
            group=g.name,
            headcount=ctx.num(g.headcount),
            income=ctx.rupiah(g.monthly_income_rupiah),
            segment=ctx.t(f"segment_{g.segment}"),
        )
    for group, rows in extra[extra["basis_missing"]].groupby("group", sort=False):
        provided = extra[(extra["group"] == group) & (extra["status"] == "already_provided")]
        ctx.say(
            "extra_basis_missing",
            group=group,
            programmes=", ".join(rows["programme"]),
            basis=provided["basis"].iloc[0] if len(provided) else "–",
        )


def uncertainty_section(ctx: Any, mc: MonteCarlo, also: tuple[str, ...]) -> None:
    """The Monte Carlo fan against the target, its bands and the probability of reaching the target."""
    ctx.say(
        "uncertainty_text",
        draws=ctx.num(mc.draws),
        seed=mc.seed,
        year=ctx.params.target.year,
        p=ctx.pct(100 * mc.p_reach_target, 0),
    )
    total = ctx.params.budget.measure == "total_coverage"
    fig = plot_fan(
        mc.bands,
        ctx.params.target.coverage_pct,
        {
            "band": ctx.t("legend_band"),
            "median": ctx.t("legend_median"),
            "target": ctx.t("legend_target"),
            "coverage": ctx.t("axis_total_coverage_pct" if total else "axis_coverage_pct"),
            "cost": ctx.t("axis_rupiah_bn_all_sources"),
        },
    )
    ctx.figure(fig, "fan")
    ctx.table(mc.bands, "uncertainty_bands")
    ctx.headline("p_reach_target", float(mc.p_reach_target), detail={"draws": int(mc.draws)}, also=also)


def tornado_section(ctx: Any, sens: pd.DataFrame) -> None:
    """The tornado of the inputs that move the target-year cost most (nothing when none does)."""
    if len(sens):
        fig = plot_tornado(
            sens,
            {p: ctx.t(f"param_{p}") for p in sens["parameter"]},
            ctx.t("axis_cost_change_bn"),
            {"low": ctx.t("legend_p10"), "high": ctx.t("legend_p90"), "none": ctx.t("legend_no_change")},
        )
        ctx.figure(fig, "tornado", data=sens)


def target_status(ctx: Any, need: RequiredBudget, p_reach: float, decisive: list, also: tuple[str, ...]) -> None:
    """ "Reachable" never alone: its probability and, below :data:`evalkit.report.answer.SURE`, "only if" with the
    assumptions it turns on (worded by the report: ``ctx.reachable_words``); the target-status headline."""
    words, conditions = ctx.reachable_words(decisive, p_reach)
    if need.feasible and words == "reachable_if":
        ctx.say(
            "budget_only_if" if decisive else "budget_only_if_generic",
            conditions=conditions,
            p=ctx.pct(100 * p_reach, 0),
            sure=ctx.pct(100 * ctx.sure, 0),
        )
    status = (
        ctx.t(words, conditions=conditions, p=ctx.pct(100 * p_reach, 0))
        if need.feasible
        else ctx.t("not_reachable", reached=ctx.pct(need.reached_pct), p=ctx.pct(100 * p_reach, 0))
    )
    ctx.headline(
        "target_status",
        bool(need.feasible),
        ctx.t("target_status_text", target=ctx.pct(need.target_pct), year=need.by_year, status=status),
        detail={
            "target_pct": float(need.target_pct),
            "year": int(need.by_year),
            "reached_pct": float(need.reached_pct),
            "measure": ctx.params.budget.measure,
            "binding": list(need.binding),
            "decisive": decisive,
            "p_reach": p_reach,
        },
        also=also,
    )
