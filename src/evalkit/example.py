"""The shipped example: every input file, written by the simulator in the formats real data arrives in
(``evalkit example``; committed in ``data/example/``, read by ``params/example-files.yaml``).

All of it is SYNTHETIC DATA: each file says so on every row (``data_label``) and the folder's README says so.
It goes through the real-file path — loaders, checks, the office crosswalk, the interpolation of yearly
denominators — so the example shows what a data officer's own files will do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .compliance import generate_companies
from .data import generate
from .data.assessment import generate_form
from .data.export import denominators_frame, panel_frame, participants_frame, write_table
from .data.schemas import SYNTHETIC_LABEL
from .data.synthetic import config_from_params
from .oversight.generate import generate_oversight
from .recipients.generate import defect_counts, generate_recipients, generate_reference_lists

if TYPE_CHECKING:
    from .params.schema import Params

FILES = {
    "participants": "participants.csv",
    "denominators": "denominators.csv",
    "recipients": "recipients.csv",
    "companies": "companies.csv",
    "panel": "panel.xlsx",
    "members": "members.csv",
    "deaths": "deaths.csv",
    "asn": "non_eligible.csv",
    "determined": "determined.csv",
    "invoices": "invoices.csv",
    "payments": "payments.csv",
    "dpa": "dpa.csv",
    "claims": "claims.csv",
    "self_assessment": "self_assessment.csv",
}
#: provincial recipients per kab/kota and year in the example oversight files (a sample, not the programme)
OVERSIGHT_PER_REGION = 40
#: The period the example reference lists name recipients of (the recipient list's second month).
REFERENCE_PERIOD = "2025-06"
"""Input → file name in the example folder (``panel.xlsx``: the same data as one monthly XLSX panel)."""

README = """# data/example — SYNTHETIC DATA

Every file here is **SYNTHETIC DATA** written by evalkit's simulator (`evalkit example`), calibrated to the
public record (data/reference/SOURCES.md); no row describes a real person, company or region's real count.
Each file says `SYNTHETIC DATA` in its `data_label` column, so reports built from them are stamped.

Semua berkas di sini adalah **DATA SINTETIS** dari simulator evalkit; tidak ada baris yang menggambarkan
orang, perusahaan, atau angka wilayah yang sebenarnya.

| file | format | read by |
|---|---|---|
| participants.csv | active participants per BPJS TK office, month, segment (and funder for BPU) | `data.participants` |
| denominators.csv | BPS Sakernas denominators: kab/kota in August, provinces in February and August | `data.denominators` |
| recipients.csv | a recipient list (two months) with injected defects | `data.recipients` |
| companies.csv | company-month compliance records | `data.companies` |
| panel.xlsx | the same coverage data as one monthly XLSX panel | `data.panel` |
| members.csv, deaths.csv, non_eligible.csv | reference lists naming some June 2025 recipients (active members, deceased, ASN); deaths.csv also the deaths of the oversight sample | `evalkit determine --members/--deaths/--asn`, `data.deaths` |
| self_assessment.csv | the self-assessment forms of the kab/kota in the Paritrana round (regulations, APBD lines, partners, innovations, each with its document) | `data.self_assessment` (notebook 04) |
| determined.csv, invoices.csv, payments.csv, dpa.csv, claims.csv | oversight sample (2024–2025): determined lists, BPJS TK invoice lines, SP2D payments, DPA lines, claims — with discrepancies injected in every kab/kota | `data.determined`, `data.invoices`, `data.payments`, `data.dpa`, `data.claims` (notebook 05) |

`params/example-files.yaml` runs the whole report from these files: `make report PARAMS=params/example-files.yaml`.
"""


def write_example(params: Params, folder: Path) -> list[Path]:
    """Write the example inputs for ``params`` (its seed and simulator settings) into ``folder``."""
    dataset = generate(config_from_params(params))
    v = params.verification
    recipients, truth = generate_recipients(
        v.synthetic_rows // 4, seed=params.seed, defects=defect_counts(v.synthetic_rows // 4, v.synthetic_defect_share)
    )
    references, _ = generate_reference_lists(recipients, truth, REFERENCE_PERIOD, seed=params.seed)
    companies = generate_companies(300, seed=params.seed)
    frames = {
        "participants": participants_frame(dataset),
        "denominators": denominators_frame(dataset),
        "recipients": recipients.assign(data_label=SYNTHETIC_LABEL),
        "companies": companies.assign(data_label=SYNTHETIC_LABEL),
        "panel": panel_frame(dataset),
        **{name: frame.assign(data_label=SYNTHETIC_LABEL) for name, frame in references.items()},
    }
    codes = sorted(dataset.kaltim["region_code"].astype(str).unique())
    oversight = generate_oversight(params, codes, OVERSIGHT_PER_REGION).frames
    frames["deaths"] = pd.concat(
        [frames["deaths"], oversight.pop("deaths").assign(data_label=SYNTHETIC_LABEL)], ignore_index=True
    )
    frames |= {name: frame.assign(data_label=SYNTHETIC_LABEL) for name, frame in oversight.items()}
    frames["self_assessment"] = generate_form(params).assign(data_label=SYNTHETIC_LABEL)
    written = [write_table(frames[name], folder / file) for name, file in FILES.items()]
    readme = folder / "README.md"
    readme.write_text(README, encoding="utf-8")
    return written + [readme]
