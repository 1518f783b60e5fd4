"""Inputs the monitoring notebooks (01, 03, 04, 00) share, checked once: the verified recipient list and the company records.

Synthetic data (``data.source: synthetic``) generates both from the params' seed, so every notebook of
a run sees the same lists; real data reads the files named by ``data.recipients``/``data.companies``
(``None`` when not given). Recipient lists are verified immediately: only the report (hashed ids,
counts) leaves this module — the raw NIK and names stay inside.

The result is cached as Parquet (:mod:`evalkit.cache`) under a key made of the input files' SHA-256
(or the synthetic seed), the ``verification`` and ``data`` params and the salt's fingerprint: the
notebooks of a run, the scenarios of a sweep and reruns verify the list once.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .compliance import compliance_summary, generate_companies, hash_company_ids, read_companies
from .core import cache
from .data.assessment import generate_form, read_form
from .data.schemas import SYNTHETIC_LABEL
from .recipients.engine import VerificationReport, check_recipients
from .recipients.generate import defect_counts, generate_recipients
from .recipients.io import read_recipients

if TYPE_CHECKING:
    from .params.schema import Params


@dataclass
class VerifiedInputs:
    verification: VerificationReport | None
    companies: pd.DataFrame | None
    compliance: pd.DataFrame | None
    synthetic: bool
    injected: dict | None = None  # synthetic only: defects injected per check


def load_verified_inputs(params: Params) -> VerifiedInputs:
    """Verified recipient list and company compliance for ``params`` (from the cache when present)."""
    tables, meta = cache.cached(
        params.project_root, "verified", _cache_parts(params), lambda: _to_tables(_compute(params))
    )
    return _from_tables(tables, meta)


def _cache_parts(params: Params) -> dict:
    """Everything the monitoring tables depend on (see :func:`evalkit.cache.key_of`)."""
    d = params.data
    parts: dict[str, object] = {
        "data": d.model_dump(mode="json"),
        "verification": params.verification.model_dump(mode="json"),
        "salt": cache.salt_fingerprint(),
    }
    if d.source == "synthetic":
        parts["seed"] = params.seed
    else:
        parts["files"] = {
            name: cache.file_digest(params.project_root / name) for name in (d.recipients, d.companies) if name
        }
    return parts


_REPORT_TABLES = ("issues", "clean", "churn", "by_region")


def _to_tables(m: VerifiedInputs) -> tuple[cache.Tables, dict]:
    tables = {}
    if m.verification is not None:
        tables.update({f"verification_{n}": getattr(m.verification, n) for n in _REPORT_TABLES})
    for n in ("companies", "compliance"):
        if getattr(m, n) is not None:
            tables[n] = getattr(m, n)
    meta = {
        "synthetic": m.synthetic,
        "injected": m.injected,
        "verification": None
        if m.verification is None
        else {"summary": {k: int(v) for k, v in m.verification.summary.items()}, "engine": m.verification.engine},
    }
    return tables, meta


def _from_tables(tables: cache.Tables, meta: dict) -> VerifiedInputs:
    report: VerificationReport | None = None
    if meta["verification"] is not None:
        report = VerificationReport(
            summary=meta["verification"]["summary"],
            engine=meta["verification"]["engine"],
            **{n: tables[f"verification_{n}"] for n in _REPORT_TABLES},
        )
    return VerifiedInputs(
        report, tables.get("companies"), tables.get("compliance"), meta["synthetic"], meta["injected"]
    )


def _compute(params: Params) -> VerifiedInputs:
    v = params.verification
    root = params.project_root
    if params.data.source == "synthetic":
        rows = v.synthetic_rows
        defects = defect_counts(rows, v.synthetic_defect_share)
        df, truth = generate_recipients(rows, seed=params.seed, defects=defects)
        synthetic_report = check_recipients(df, params)
        del df  # raw identifiers end here
        companies = hash_company_ids(generate_companies(600, seed=params.seed))  # raw ids are never cached
        return VerifiedInputs(synthetic_report, companies, compliance_summary(companies), True, truth.counts)
    report: VerificationReport | None = None
    if params.data.recipients:
        report = check_recipients(
            read_recipients(root / params.data.recipients, mapping=params.verification.mapping),
            params,
            shown=params.data.recipients,
        )
    companies = None
    if params.data.companies:
        companies = hash_company_ids(
            read_companies(root / params.data.companies, params.data.companies, params.data.max_file_mb)
        )
    return VerifiedInputs(report, companies, compliance_summary(companies) if companies is not None else None, False)


def load_form(params: Params):
    """The kab/kota self-assessment answers: the file ``data.self_assessment`` names, or synthetic answers for synthetic
    data (put through the same checks); ``None`` for files without a form."""
    if params.data.source != "synthetic":
        return read_form(params)
    with tempfile.TemporaryDirectory() as tmp:  # the generated form goes through the real file's checks
        path = Path(tmp) / "self_assessment.csv"
        generate_form(params).assign(data_label=SYNTHETIC_LABEL).to_csv(path, index=False)
        moved = params.model_copy(update={"data": params.data.model_copy(update={"self_assessment": str(path)})})
        return read_form(moved)
