"""Data as it is published: monthly participants per BPJS Ketenagakerjaan office and segment, yearly or
half-yearly denominators from BPS Sakernas, and a crosswalk from offices to kab/kota — assembled into the
monthly panel every design reads.

**Denominators to months.** ``working_pop``, ``vulnerable_workers`` and ``target_workers`` are published for
survey months only (August for kab/kota, February and August for provinces). Each region's series is
interpolated **linearly between consecutive survey months** and **held at the nearest survey value** before
the first and after the last one (no trend is extrapolated); the result is rounded to whole persons.
:data:`METHOD` states this in the report.

**Offices to kab/kota.** An office serving one region gives it all its participants. An office serving
several regions (e.g. one branch for Kutai Barat and Mahakam Ulu) is split by the ``share`` column of the
crosswalk when every row of that office gives one (shares summing to 1); otherwise in proportion to the
month's denominator of the segment: vulnerable workers for BPU, the BPJS target population for PU, JAKON
and PMI. Splits are in whole persons (largest remainders), so no participant is lost or invented.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.hashing import sha256_file
from ..core.months import month_numbers
from ..core.persons import whole_persons
from ..errors import DataError, Problem
from ..reference import kaltim_codes
from .dataset import Dataset
from .loaders import MAX_COUNT, _rows, consistency, raise_problems, read_table, real_dataset, typed_columns
from .schemas import DENOMINATORS, OFFICES, PARTICIPANTS, SYNTHETIC_LABEL

METHOD = "linear_between_survey_months"
"""The interpolation of denominators to months (text: ``denominator_method`` in ``report/text.yaml``)."""

FUNDER_COLUMNS = {"apbd_prov": "subsidised_prov", "apbd_kabkota": "subsidised_kabkota", "csr": "subsidised_csr"}
DENOMINATOR_OF_SEGMENT = {
    "BPU": "vulnerable_workers",
    "PU": "target_workers",
    "JAKON": "target_workers",
    "PMI": "target_workers",
}
DEFAULT_OFFICES = "bpjstk_offices.csv"
"""The shipped crosswalk (``src/evalkit/reference/``; the same file is ``data/reference/bpjstk_offices.csv``)."""


def _typed(path: Path, shown: str, schema, max_mb: float, max_count: int) -> pd.DataFrame:
    df = read_table(path, shown, max_mb)
    if df.empty:
        raise DataError([Problem(shown, "file", "", "the file has a header but no data rows")])
    out, problems = typed_columns(df, schema, shown, max_count)
    raise_problems(problems, shown)
    return out


def _duplicates(df: pd.DataFrame, keys: list[str], shown: str, what: str) -> list[Problem]:
    dup = df.duplicated(keys, keep=False)
    if not dup.any():
        return []
    return [
        Problem(
            shown,
            f"{_rows(df.index[dup])}, columns " + " + ".join(f"'{k}'" for k in keys),
            "",
            f"each {what} may appear once",
        )
    ]


def read_offices(path: Path | None, shown: str, max_mb: float = 200) -> pd.DataFrame:
    """The office → region crosswalk (default: the shipped one), checked: one row per office and region, shares
    all given and summing to 1 or all empty per office."""
    if path is None:
        with resources.files("evalkit.reference").joinpath(DEFAULT_OFFICES).open("rb") as fh:
            raw = pd.read_csv(fh, dtype=str, keep_default_na=False)
        out, problems = typed_columns(raw, OFFICES, shown)
    else:
        out, problems = _typed(path, shown, OFFICES, max_mb, MAX_COUNT), []
    raise_problems(problems, shown)
    problems = _duplicates(out, ["office_code", "region_code"], shown, "office and region")
    share = out["share"] if "share" in out.columns else pd.Series(np.nan, index=out.index)
    out["share"] = share
    for office, rows in out.groupby("office_code"):
        given = rows["share"].notna()
        if given.any() and not given.all():
            problems.append(
                Problem(
                    shown,
                    f"{_rows(rows.index)}, column 'share'",
                    "",
                    f"office {office!r}: give a share on every row of the office or on none",
                )
            )
        elif given.all() and abs(rows["share"].sum() - 1) > 1e-6:
            problems.append(
                Problem(
                    shown,
                    f"{_rows(rows.index)}, column 'share'",
                    f"{rows['share'].sum():.4g}",
                    f"office {office!r}: the shares of an office must sum to 1",
                )
            )
    raise_problems(problems, shown)
    raise_problems(_geography(out, shown), shown)
    return out


def _geography(offices: pd.DataFrame, shown: str) -> list[Problem]:
    """The crosswalk's geography holds together, so that no row silently moves people between provinces: an
    office's regions lie in one province; a province-level region (a 2-digit code: that province's total) is fed
    by exactly one office that feeds nothing else; every Kaltim kab/kota is served by some office."""
    problems = []
    code = offices["region_code"].astype(str)
    province = code.str[:2]
    for office, rows in offices.groupby("office_code"):
        provs = sorted(set(province[rows.index]))
        if len(provs) > 1:
            problems.append(
                Problem(
                    shown,
                    f"{_rows(rows.index)}, column 'region_code'",
                    "",
                    f"office {office!r} serves regions in {len(provs)} provinces ({', '.join(provs)}); "
                    "an office serves regions of one province",
                )
            )
        elif (code[rows.index].str.len() == 2).any() and len(rows) > 1:
            problems.append(
                Problem(
                    shown,
                    f"{_rows(rows.index)}, column 'region_code'",
                    "",
                    f"office {office!r} stands for a province's total and must have that one row",
                )
            )
    totals = offices[code.str.len() == 2]
    for region, rows in totals.groupby("region_code"):
        if rows["office_code"].nunique() > 1:
            problems.append(
                Problem(
                    shown,
                    f"{_rows(rows.index)}, column 'region_code'",
                    "",
                    f"province {region} is fed by {rows['office_code'].nunique()} offices; its "
                    "total comes from one row",
                )
            )
    missing = sorted(set(kaltim_codes()) - set(code))
    if missing:
        problems.append(
            Problem(
                shown,
                "column 'region_code'",
                "",
                "no office serves the Kaltim kab/kota "
                + ", ".join(missing)
                + "; every kab/kota needs an office (its participants would be lost)",
            )
        )
    return problems


def read_participants(
    path: Path, shown: str, offices: pd.DataFrame, max_mb: float = 200, max_count: int = MAX_COUNT
) -> pd.DataFrame:
    """Monthly participants per office and segment, checked against the crosswalk: known office codes, one row
    per office, month, segment and funder, ``funder`` on BPU rows only, and a BPU total either given once or
    split by funder."""
    out = _typed(path, shown, PARTICIPANTS, max_mb, max_count)
    if "funder" not in out.columns:
        out["funder"] = ""
    problems = []
    unknown = ~out["office_code"].isin(set(offices["office_code"]))
    if unknown.any():
        problems.append(
            Problem(
                shown,
                f"{_rows(out.index[unknown])}, column 'office_code'",
                "",
                "unknown office code; allowed: the office_code values of the offices crosswalk ("
                + ", ".join(sorted(set(offices["office_code"]))[:12])
                + ")",
            )
        )
    wrong = out["funder"].ne("") & out["segment"].ne("BPU")
    if wrong.any():
        problems.append(
            Problem(
                shown,
                f"{_rows(out.index[wrong])}, column 'funder'",
                "",
                "only BPU rows name a funder; leave it empty for PU, JAKON and PMI",
            )
        )
    problems += _duplicates(
        out, ["office_code", "period", "segment", "funder"], shown, "office, month, segment and funder"
    )
    bpu = out[out["segment"].eq("BPU")]
    split = bpu.groupby(["office_code", "period"])["funder"].agg(lambda f: f.eq("").any() and len(f) > 1)
    if split.any():
        office, month = split[split].index[0]
        problems.append(
            Problem(
                shown,
                f"office {office!r}, month {month:%Y-%m}, column 'funder'",
                "",
                "give the office's BPU participants either as one row with an empty funder or "
                "split by funder, not both (they would be counted twice)",
            )
        )
    raise_problems(problems, shown)
    return out


def read_denominators(path: Path, shown: str, max_mb: float = 200, max_count: int = MAX_COUNT) -> pd.DataFrame:
    """Yearly or half-yearly denominators by region, one row per region and survey month."""
    out = _typed(path, shown, DENOMINATORS, max_mb, max_count)
    raise_problems(_duplicates(out, ["region_code", "period"], shown, "region and month"), shown)
    return out


def interpolate(denominators: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Each region's denominators at every month of ``months`` (module docstring: linear between survey months,
    held constant beyond them, whole persons). Column ``extrapolated`` is True outside the surveyed span."""
    cols = [c for c in ("working_pop", "vulnerable_workers", "target_workers") if c in denominators.columns]
    x = month_numbers(pd.PeriodIndex(months, freq="M"))
    frames = []
    for code, rows in denominators.sort_values("period").groupby("region_code"):
        xp = month_numbers(pd.PeriodIndex(rows["period"], freq="M"))
        out = pd.DataFrame({"region_code": code, "period": months})
        for c in cols:
            values = rows[c].to_numpy(float)
            known = values > 0
            out[c] = np.round(np.interp(x, xp[known], values[known])) if known.any() else 0
        out["extrapolated"] = (x < xp.min()) | (x > xp.max())
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def _split(counts: pd.DataFrame, offices: pd.DataFrame, monthly: pd.DataFrame) -> pd.DataFrame:
    """Participants per office, month and column → per region, month and column (module docstring)."""
    frames = []
    den = monthly.set_index(["region_code", "period"])
    for office, cw in offices.groupby("office_code"):
        rows = counts[counts["office_code"] == office]
        if rows.empty:
            continue
        regions = cw["region_code"].tolist()
        if len(regions) == 1:
            frames.append(rows.assign(region_code=regions[0]))
            continue
        for segment, part in rows.groupby("segment"):
            if cw["share"].notna().all():
                weights = np.tile(cw["share"].to_numpy(float), (len(part), 1))
            else:
                idx = pd.MultiIndex.from_product([regions, part["period"].unique()])
                d = den[DENOMINATOR_OF_SEGMENT[segment]].reindex(idx).fillna(0)
                weights = np.stack([d.loc[r].reindex(part["period"]).to_numpy(float) for r in regions], axis=1)
                weights = np.where(weights.sum(axis=1, keepdims=True) > 0, weights, 1.0)
            whole = whole_persons(
                part["participants"].to_numpy(float)[:, None],
                weights[:, :, None],
                np.full(weights.shape + (1,), np.inf),
            )[:, :, 0]
            for j, region in enumerate(regions):
                frames.append(part.assign(region_code=region, participants=whole[:, j]))
    return pd.concat(frames, ignore_index=True)


def assemble(
    participants: pd.DataFrame, denominators: pd.DataFrame, offices: pd.DataFrame, shown: dict[str, str]
) -> tuple[pd.DataFrame, dict]:
    """The monthly panel (schema ``PANEL``) from the three published inputs, and facts for the report
    (``denominator_method``, months whose denominators were held beyond the survey span)."""
    months = pd.DatetimeIndex(sorted(participants["period"].unique()))
    known = offices["office_code"].isin(set(participants["office_code"]))
    served = sorted(set(offices.loc[known, "region_code"]))
    missing = sorted(set(served) - set(denominators["region_code"]))
    if missing:
        raise DataError(
            [
                Problem(
                    shown["denominators"],
                    "column 'region_code'",
                    ", ".join(missing[:10]),
                    "these regions are served by offices in the participants file but have no "
                    "denominator row; add at least one survey month for each",
                )
            ]
        )
    monthly = interpolate(denominators[denominators["region_code"].isin(served)], months)
    per_region = _split(participants, offices, monthly)
    per_region["column"] = np.where(
        per_region["segment"].eq("BPU"),
        "bpu_participants",
        np.where(per_region["segment"].eq("PU"), "pu_participants", "other_participants"),
    )
    wide = per_region.pivot_table(
        index=["region_code", "period"], columns="column", values="participants", aggfunc="sum", fill_value=0
    )
    funded = per_region[per_region["funder"].isin(FUNDER_COLUMNS)]
    paid = funded.pivot_table(
        index=["region_code", "period"], columns="funder", values="participants", aggfunc="sum", fill_value=0
    ).rename(columns=FUNDER_COLUMNS)
    panel = monthly.set_index(["region_code", "period"]).join(wide, how="left").join(paid, how="left")
    panel = panel.fillna(0).reset_index()
    for c in ("bpu_participants", "pu_participants", "other_participants", *FUNDER_COLUMNS.values()):
        if c not in panel.columns:
            panel[c] = 0
        panel[c] = panel[c].astype("int64")
    panel["participants_total"] = panel[["bpu_participants", "pu_participants", "other_participants"]].sum(axis=1)
    for c in ("working_pop", "vulnerable_workers", "target_workers"):
        if c in panel.columns:
            panel[c] = panel[c].astype("int64")
    held = panel.loc[panel["extrapolated"], ["region_code", "period"]]
    facts = {
        "denominator_method": METHOD,
        "denominator_months_held": int(held["period"].nunique()),
        "offices_split": sorted(
            offices.loc[offices.duplicated("office_code", keep=False), "office_code"].unique().tolist()
        ),
    }
    panel = panel.drop(columns=["extrapolated", "other_participants"])

    def locate(index: pd.Index) -> str:
        first = panel.loc[index[0]]
        more = f" and {len(index) - 1} more" if len(index) > 1 else ""
        return f"region {first['region_code']}, month {first['period']:%Y-%m}{more}"

    raise_problems(consistency(panel, "participants + denominators", locate), shown["participants"])
    return panel, facts


def load_published(
    root: Path,
    participants: str,
    denominators: str,
    offices: str | None,
    *,
    max_mb: float = 200,
    max_count: int = MAX_COUNT,
) -> Dataset:
    """Read, check and assemble the three published inputs (paths relative to ``root``) → :class:`Dataset`."""
    shown = {
        "participants": participants,
        "denominators": denominators,
        "offices": offices or f"data/reference/{DEFAULT_OFFICES}",
    }
    crosswalk = read_offices(root / offices if offices else None, shown["offices"], max_mb)
    part = read_participants(root / participants, participants, crosswalk, max_mb, max_count)
    den = read_denominators(root / denominators, denominators, max_mb, max_count)
    panel, facts = assemble(part, den, crosswalk, shown)
    labelled = any("data_label" in t.columns and t["data_label"].eq(SYNTHETIC_LABEL).any() for t in (part, den))
    if labelled:
        panel["data_label"] = SYNTHETIC_LABEL
    files = {participants: sha256_file(root / participants), denominators: sha256_file(root / denominators)}
    if offices:
        files[offices] = sha256_file(root / offices)
    return real_dataset(panel, files, source=f"{participants} + {denominators}", **facts)
