"""The answer a planner reads first: four sentences and at most six headline cards, built from a run's declared
headlines (:mod:`evalkit.report.outputs`) by rules, in the report language.

0. With the envelope set (``budget.pagu``), answered first: recipients, where, coverage, Rupiah per additional
   worker.
1. Is the subsidy working? The effect in percentage points *and* in workers protected, with the interval and
   the level it actually has; "not shown" when the interval includes zero.
2. What does reaching the target cost, and is it reachable by the target year (with the Monte Carlo
   probability)? "Reachable" never stands alone: below :data:`SURE`, or when the scenario's growth assumptions
   decide it, the sentence says "only if" and names them. If not reachable, how far it gets and what is missing.
3. Which kab/kota lags most: its gap to the target in persons and Rupiah per year.
4. How clean the recipient data is.

Each sentence and card links to the page and table its numbers come from. Used by the index page and by the
summary notebook (one piece of code for both).
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass

from ..data.dataset import coverage_measure
from . import i18n
from .outputs import BUD, COV, DQ, Link, detail, table, table_link
from .provenance import marker


@dataclass(frozen=True)
class Sentence:
    lead: str
    text: str
    link: Link
    source: str  # the table's caption, shown as the link text
    provenance: dict | None = None  # the headline's (evalkit.report.provenance): data, estimate, assumption, derived


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    note: str
    link: Link
    provenance: dict | None = None


@dataclass(frozen=True)
class Answer:
    sentences: list[Sentence]
    cards: list[Card]

    def html(self, lang: str) -> str:
        """The answer block: sentences with their source links, then the cards."""
        esc = _html.escape
        items = "".join(
            f'<li><b>{esc(s.lead)}</b> {esc(s.text)} <a class="evk-src" href="{esc(s.link.href)}">'
            f"{esc(i18n.t('answer_source', lang, source=s.source))}</a> {marker(s.provenance, lang)}</li>"
            for s in self.sentences
        )
        cards = "".join(
            f'<a class="evk-card" href="{esc(c.link.href)}"><span class="l">{esc(c.label)} '
            f"{marker(c.provenance, lang, tag='span')}</span>"
            f'<span class="v">{esc(c.value)}</span><span class="n">{esc(c.note)}</span></a>'
            for c in self.cards
        )
        empty = "" if self.sentences else f"<p>{esc(i18n.t('answer_missing', lang))}</p>"
        return (
            f'<section class="evk-answer" id="answer"><h2>{esc(i18n.t("answer_title", lang))}</h2>{empty}'
            f'<ul class="evk-answer-list">{items}</ul><div class="evk-cards">{cards}</div></section>'
        )


#: below this probability of reaching the target, "reachable" is always said with its conditions ("only if …")
SURE = 0.9


def conditions(decisive: list[dict], lang: str) -> str:
    """The assumptions a reachable target turns on, in words (:func:`evalkit.budget.decisive_assumptions`):
    "formal-sector coverage rises 6.5 pp a year (default 0.5) and …"; the scenario's growth assumptions in
    general when none alone decides."""
    parts = []
    for item in decisive or []:
        key = "cond_" + item["key"].replace(".", "_")
        if key not in i18n.TEXT:
            continue
        share = item["key"].endswith("_share")
        value = (lambda v: i18n.fmt_share(v, lang, 1)) if share else (lambda v: i18n.fmt_number(v, lang, 1))
        parts.append(i18n.t(key, lang, value=value(item["value"]), default=value(item["default"])))
    if not parts:
        return i18n.t("cond_generic", lang)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" {i18n.t('and_word', lang)} " + parts[-1]


def reachable_words(decisive: list[dict], p_reach: float | None, lang: str) -> tuple[str, str]:
    """``(key, conditions)``: ``reachable`` (probability at least :data:`SURE` and no decisive assumption) or
    ``reachable_if`` with the conditions named — never "reachable" alone."""
    if decisive or p_reach is None or p_reach < SURE:
        return "reachable_if", conditions(decisive, lang)
    return "reachable", ""


def _caption(producer: str, name: str, lang: str) -> str:
    return i18n.t(table(producer, name).caption, lang)


def _level(share: float | None, lang: str) -> str:
    """A confidence level as it is: ``95%``, or ``93,8%`` when the method's attainable level is not whole."""
    if share is None:
        return "–"
    whole = abs(100 * share - round(100 * share)) < 1e-9
    return i18n.fmt_share(share, lang, 0 if whole else 1)


def build(headlines: dict[str, dict], lang: str) -> Answer:
    """The answer from a run's headlines (:func:`evalkit.report.outputs.read_headlines`); what is missing
    (a notebook failed, no recipient list) is left out, never guessed."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    h = headlines
    sentences: list[Sentence] = []
    cards: list[Card] = []

    def src(producer: str, name: str) -> tuple[Link, str]:
        return table_link(producer, name), _caption(producer, name, lang)

    # 0. with the envelope set (budget.pagu): answered first
    pagu = h.get("pagu_recipients")
    if pagu is not None:
        d = detail(h, "pagu_recipients")
        link, source = src(BUD, "pagu_allocation")
        fmt = dict(
            pagu=i18n.fmt_rupiah_short(d.pagu_rupiah, lang),
            year=(d.year if d.year is not None else ""),
            recipients=i18n.fmt_number(pagu["value"], lang),
            top=(d.top_kabkota if d.top_kabkota is not None else "–"),
            newly=i18n.fmt_number(d.newly_covered, lang),
            per=i18n.fmt_rupiah(d.rupiah_per_added, lang),
            measure=t(f"measure_{(d.measure if d.measure is not None else 'total_coverage')}"),
            coverage=i18n.fmt_pct(d.coverage_pct, lang),
            path=i18n.fmt_number(d.path_recipients, lang),
        )
        prov = pagu.get("provenance")
        sentences.append(Sentence(t("ans_pagu_lead", **fmt), t("ans_pagu", **fmt), link, source, prov))
        cards.append(Card(t("card_pagu", **fmt), fmt["recipients"], t("card_pagu_note", **fmt), link, prov))

    # 1. is the subsidy working?
    if "effect_did" in h:
        e, d = h["effect_did"], detail(h, "effect_did")
        low, high = d.ci_low, d.ci_high
        kind = "yes" if low is not None and low > 0 else "negative" if high is not None and high < 0 else "unclear"
        persons = h.get("workers_protected", {})
        pd_ = detail(h, "workers_protected")
        link, source = src(COV, "comparison")
        sentences.append(
            Sentence(
                t(f"ans_effect_{kind}_lead"),
                t(
                    f"ans_effect_{kind}",
                    design=t(f"design_{(d.design if d.design is not None else 'did')}"),
                    effect=i18n.fmt_pp(e["value"], lang),
                    level=_level(d.ci_level, lang),
                    low=i18n.fmt_pp(low, lang),
                    high=i18n.fmt_pp(high, lang),
                    persons=i18n.fmt_number(persons.get("value", float("nan")), lang),
                    plow=i18n.fmt_number(pd_.ci_low, lang),
                    phigh=i18n.fmt_number(pd_.ci_high, lang),
                    pdesign=t(f"design_{pd_.design or d.design or 'did'}"),
                ),
                link,
                source,
                e.get("provenance"),
            )
        )
        cards.append(
            Card(
                t("card_effect"),
                i18n.fmt_pp(e["value"], lang),
                t(
                    "card_effect_note",
                    persons=i18n.fmt_number(persons.get("value", float("nan")), lang),
                    level=_level(d.ci_level, lang),
                    low=i18n.fmt_number(low, lang, 1),
                    high=i18n.fmt_number(high, lang, 1),
                ),
                link,
                e.get("provenance"),
            )
        )
    elif "coverage_change" in h:
        link, source = src(COV, "before_after")
        sentences.append(
            Sentence(
                t("ans_effect_none_lead"),
                t("ans_effect_none", change=i18n.fmt_pp(h["coverage_change"]["value"], lang)),
                link,
                source,
                h["coverage_change"].get("provenance"),
            )
        )
    if "coverage_before" in h and "coverage_after" in h:
        cards.insert(
            0,
            Card(
                t("card_outcome"),
                f"{h['coverage_before']['text']} → {h['coverage_after']['text']}",
                t("card_outcome_note"),
                table_link(COV, "before_after"),
                h["coverage_after"].get("provenance"),
            ),
        )

    # 2. cost and reachability of the target
    status = h.get("target_status")
    if status is not None and "budget_need_target_year" in h:
        d = detail(h, "target_status")
        measure = coverage_measure(d.measure if d.measure is not None else "total_coverage")
        latest = h.get(f"{measure}_coverage_latest")
        p_reach = h.get("p_reach_target")
        fmt = dict(
            target=i18n.fmt_pct(d.target_pct, lang),
            measure=t(f"measure_{d.measure}"),
            year=(d.year if d.year is not None else ""),
            budget=h["budget_need_target_year"]["text"],
            reached=i18n.fmt_pct(d.reached_pct, lang),
            p=i18n.fmt_share(p_reach["value"], lang, 0) if p_reach else "–",
            latest=latest["text"] if latest else "–",
        )
        link, source = src(BUD, "budget_path")
        words, fmt["conditions"] = reachable_words(
            (d.decisive if d.decisive is not None else []), p_reach["value"] if p_reach else None, lang
        )
        fmt["sure"] = i18n.fmt_share(SURE, lang, 0)
        if status["value"]:
            lead = "ans_budget_if_lead" if words == "reachable_if" else "ans_budget_yes_lead"
            sentences.append(
                Sentence(t(lead, **fmt), t("ans_budget_yes", **fmt), link, source, status.get("provenance"))
            )
        else:
            missing = h.get("target_missing", {}).get("text", "")
            sentences.append(
                Sentence(
                    t("ans_budget_no_lead", **fmt),
                    t("ans_budget_no", **fmt) + " " + missing,
                    link,
                    source,
                    status.get("provenance"),
                )
            )
        if latest:
            cards.append(
                Card(
                    t(f"card_{measure}_coverage"),
                    latest["text"],
                    t("card_target_note", **fmt),
                    link,
                    latest.get("provenance"),
                )
            )
        cards.append(
            Card(
                t("card_budget", year=fmt["year"]),
                fmt["budget"],
                t(
                    ("card_budget_if_note" if words == "reachable_if" else "card_budget_yes_note")
                    if status["value"]
                    else "card_budget_no_note",
                    **fmt,
                ),
                link,
                h["budget_need_target_year"].get("provenance"),
            )
        )

    # 3. the kab/kota that lags most
    lag = h.get("lagging_kabkota")
    if lag is not None:
        d = detail(h, "lagging_kabkota")
        link, source = src(BUD, "kabkota_gap")
        budget_measure = detail(h, "target_status").measure or "total_coverage"
        fmt = dict(
            name=lag["value"],
            pct=i18n.fmt_pct(d.coverage_pct, lang),
            measure=t(f"short_{budget_measure}") if f"short_{budget_measure}" in i18n.TEXT else "",
            persons=i18n.fmt_number(d.gap_persons, lang),
            fundable=i18n.fmt_number(d.fundable_persons, lang),
            employer=i18n.fmt_number(d.employer_persons, lang),
            rupiah=i18n.fmt_rupiah_short(d.fundable_rupiah_year, lang),
            target=i18n.fmt_pct(detail(h, "target_status").target_pct, lang) if status else "–",
        )
        only_fundable = not d.employer_persons  # no wage-worker part: the sentence does not mention one
        sentences.append(
            Sentence(
                t("ans_lagging_lead", **fmt),
                t("ans_lagging_fundable" if only_fundable else "ans_lagging", **fmt),
                link,
                source,
                lag.get("provenance"),
            )
        )
        cards.append(Card(t("card_lagging"), lag["value"], t("card_lagging_note", **fmt), link, lag.get("provenance")))

    # 4. recipient data
    checks = h.get("checks_passed")
    checks_text = checks["text"] if checks else "–"
    if "data_quality" in h:
        q = h["data_quality"]
        d = detail(h, "data_quality")
        link, source = src(DQ, "verification_summary")
        fmt = dict(
            clean=i18n.fmt_number(d.clean, lang),
            rows=i18n.fmt_number(d.rows, lang),
            share=i18n.fmt_share(q["value"], lang),
            checks=checks_text,
        )
        sentences.append(Sentence(t("ans_data_lead"), t("ans_data", **fmt), link, source, q.get("provenance")))
        cards.append(Card(t("card_data"), fmt["share"], t("card_data_note", **fmt), link, q.get("provenance")))
    elif checks is not None:
        link, source = src(DQ, "panel_checks")
        sentences.append(
            Sentence(t("ans_data_lead"), t("ans_data_none", checks=checks_text), link, source, checks.get("provenance"))
        )
    return Answer(sentences, cards[:6])
