"""Recipient lists: verification (checks in DuckDB SQL), synthetic lists with known defects, the workbook.

Layers inside the package (each imports only those below it): :mod:`.schema` (columns, check names) →
:mod:`.sql` (the checks as SQL) → :mod:`.io` (reading lists) → :mod:`.engine` (running the checks) →
:mod:`.workbook` (``evalkit verify``'s output). :mod:`.generate` makes synthetic lists; :mod:`.crossmatch`
matches a list with members, deaths, ASN and the previous list (the determination workflow).
"""

from ..core.hashing import salted_hash as hash_ids
from ..core.privacy import suppress
from ..core.salt import get_salt
from .crossmatch import CrossMatch, cross_match
from .engine import VerificationReport, check_file, check_file_duckdb, check_recipients, churn_sql
from .generate import DEFECT_KINDS, RecipientTruth, generate_recipients
from .schema import CHECKS, REQUIRED

__all__ = [
    "CHECKS",
    "CrossMatch",
    "cross_match",
    "DEFECT_KINDS",
    "REQUIRED",
    "RecipientTruth",
    "VerificationReport",
    "check_file",
    "check_file_duckdb",
    "check_recipients",
    "churn_sql",
    "generate_recipients",
    "get_salt",
    "hash_ids",
    "suppress",
]
