"""Inputs of the monitoring notebooks (01, 04, 00): recipient list and company records.

Synthetic data (``data.source: synthetic``) generates both from the params' seed, so every notebook of
a run sees the same lists; real data reads the files named by ``data.recipients``/``data.companies``
(``None`` when not given). Recipient lists are verified immediately: only the report (hashed ids,
counts) leaves this module — the raw NIK and names stay inside.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .compliance import compliance_summary, generate_companies
from .verify import check_recipients, generate_recipients
from .verify.checks import VerificationReport
from .verify.io import read_recipients


@dataclass
class Monitoring:
    verification: VerificationReport | None
    companies: pd.DataFrame | None
    compliance: pd.DataFrame | None
    synthetic: bool
    injected: dict | None = None  # synthetic only: defects injected per check


def load_monitoring(params) -> Monitoring:
    v = params.verification
    root = params.project_root
    if params.data.source == "synthetic":
        rows = v.synthetic_rows
        defects = {k: max(1, int(round(rows * v.synthetic_defect_share))) for k in
                   ("invalid_nik", "region_mismatch", "sex_birthdate_mismatch", "duplicate_within_source",
                    "duplicate_cross_source", "ineligible")}
        df, truth = generate_recipients(rows, seed=params.seed, defects=defects)
        report = check_recipients(df, params)
        del df  # raw identifiers end here
        companies = generate_companies(600, seed=params.seed)
        return Monitoring(report, companies, compliance_summary(companies), True, truth.counts)
    report = None
    if params.data.recipients:
        report = check_recipients(read_recipients(root / params.data.recipients), params, shown=params.data.recipients)
    companies = None
    if params.data.companies:
        from .data.loaders import read_table

        companies = read_table(root / params.data.companies, params.data.companies, params.data.max_file_mb)
        for c in ("workers_reported", "workers_registered", "contribution_due_rupiah", "contribution_paid_rupiah",
                  "paid_on_time"):
            companies[c] = pd.to_numeric(companies[c])
    return Monitoring(report, companies, compliance_summary(companies) if companies is not None else None, False)
