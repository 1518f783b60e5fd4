"""Recipient verification (issue #6): checks, synthetic lists with known defects, privacy, DuckDB engine."""
from .checks import CHECKS, REQUIRED, VerificationReport, check_file, check_recipients, churn_sql
from .generate import DEFECT_KINDS, RecipientTruth, generate_recipients
from .privacy import get_salt, hash_ids, suppress

__all__ = ["CHECKS", "DEFECT_KINDS", "REQUIRED", "RecipientTruth", "VerificationReport", "check_file", "check_recipients",
           "churn_sql", "generate_recipients", "get_salt", "hash_ids", "suppress"]
