"""Documented schemas of the input files evalkit reads.

Each schema is a list of :class:`Column`; the same objects drive validation
(:mod:`evalkit.data.loaders`) and the tables in the README (``evalkit schemas``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "code" | "month" | "count" | "text" | "pct"
    required: bool
    description: str
    min: float | None = None
    max: float | None = None


PANEL = [
    Column("region_code", "code", True,
           "BPS code: 4 digits for a Kaltim kab/kota (6401 … 6474) or 2 digits for another province"),
    Column("period", "month", True, "calendar month, written YYYY-MM (e.g. 2024-06), one format for the whole file"),
    Column("working_pop", "count", True, "working population (penduduk bekerja), persons; BPS Sakernas", 1),
    Column("vulnerable_workers", "count", True,
           "vulnerable informal non-wage workers (pekerja rentan, BPU-eligible), persons; BPS Sakernas", 1),
    Column("bpu_participants", "count", True,
           "active BPJS Ketenagakerjaan BPU participants (all funders), persons; BPJS TK branch reports", 0),
    Column("participants_total", "count", True,
           "active BPJS Ketenagakerjaan participants of all segments (PU + BPU + jakon), persons", 0),
    Column("region_name", "text", False, "name of the kab/kota or province (optional, for reading)"),
    Column("subsidised_prov", "count", False, "recipients paid by the provincial APBD (Pergub 19/2023), persons", 0),
    Column("subsidised_kabkota", "count", False, "recipients paid by the kab/kota APBD, persons", 0),
    Column("subsidised_csr", "count", False, "recipients paid by company CSR, persons", 0),
    Column("bpu_joiners", "count", False, "BPU participants who joined in the month, persons", 0),
    Column("bpu_leavers", "count", False, "BPU participants who left in the month, persons", 0),
]
"""Monthly panel of coverage by region (one row per region and month)."""

SCHEMAS = {"panel": PANEL}


def markdown_table(columns: list[Column]) -> str:
    """The schema as a Markdown table (for the README)."""
    lines = ["| column | required | type | meaning |", "|---|---|---|---|"]
    for c in columns:
        lines.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.kind} | {c.description} |")
    return "\n".join(lines)
