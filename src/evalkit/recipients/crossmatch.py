"""Cross-matching a recipient list with reference lists — what determining (penetapan) the year's list needs.

:func:`cross_match` flags, per recipient row of a period:

* ``already_member`` — already an active BPJS Ketenagakerjaan participant in ``members`` (paid by someone else
  or self-paying: subsidising them adds no one, and may fund the same person twice);
* ``deceased`` — in ``deaths`` with a date of death before the period starts;
* ``non_eligible_status`` — in ``asn`` (ASN, TNI, Polri or another group outside the programme);

and counts, against ``previous`` (the previous period's list), recipients ``carried_over``, ``new`` and
``dropped``, and **double funding** across the province, kab/kota and CSR lists: persons listed by more than
one funder in the same period, by pair of funders. Everything is matched on the NIK inside DuckDB; results
carry only the salted hash of the NIK (bound as ``$salt``), never the NIK or a name. Each reference list has a
schema (:data:`evalkit.data.schemas.MEMBERS`, ``DEATHS``, ``NON_ELIGIBLE``) and a template in
``data/templates/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..core.hashing import salted_hash_sql
from ..core.salt import get_salt
from .io import check_reference
from .schema import check_columns, source_column
from .sql import SAFE, build_flags, register_frame

if TYPE_CHECKING:
    from ..params.schema import Params

FLAGS = ("already_member", "deceased", "non_eligible_status")
FUNDER_PAIRS = (("apbd_prov", "apbd_kabkota"), ("apbd_prov", "csr"), ("apbd_kabkota", "csr"))


@dataclass
class CrossMatch:
    """``summary``: rows per flag, ``rows``, per reference list given its distinct NIKs and how many matched nobody
    (``members_keys``, ``members_unmatched``, …), ``carried_over``/``new``/``dropped`` (persons, when ``previous``
    was given) and ``double_funded`` (persons listed by more than one funder in a period); ``flags``: one row per
    flagged recipient row (row, flag, id_hash, kode_wilayah, sumber_dana, periode); ``double_funding``: persons per
    period and pair of funders (and all three)."""

    summary: dict
    flags: pd.DataFrame
    double_funding: pd.DataFrame


#: The table :func:`match_conditions` registers each reference list as.
REFERENCE_TABLES = {"members": "m", "deaths": "d", "asn": "a"}


def _reference(con, name: str, frame: pd.DataFrame | None, shown: str) -> bool:
    """Register a reference list as ``name`` after checking it like a file (:func:`.io.check_reference`: columns,
    16-digit text NIKs, dates that exist) — a list handed to the API is an input like any other."""
    if frame is None:
        return False
    con.register(f"{name}_raw", check_reference(frame, shown, shown))
    con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_raw")
    return True


def match_conditions(
    con, members: pd.DataFrame | None, deaths: pd.DataFrame | None, asn: pd.DataFrame | None
) -> dict[str, str]:
    """Register the reference lists given and return, per flag of :data:`FLAGS`, the SQL condition on a recipient row
    of the view ``rs`` (columns ``nik``, ``per``) — ``false`` for a list not given."""
    has = {
        table: _reference(con, table, frame, name)
        for (name, table), frame in zip(REFERENCE_TABLES.items(), (members, deaths, asn))
    }
    return {
        "already_member": "rs.nik IN (SELECT nik FROM m)" if has["m"] else "false",
        "deceased": (
            "EXISTS (SELECT 1 FROM d WHERE d.nik = rs.nik AND try_strptime(d.tanggal_meninggal, '%Y-%m-%d') "
            "< try_strptime(rs.per, '%Y-%m'))"
        )
        if has["d"]
        else "false",
        "non_eligible_status": "rs.nik IN (SELECT nik FROM a)" if has["a"] else "false",
    }


def reference_counts(con, **lists: pd.DataFrame | None) -> dict[str, dict[str, int]]:
    """Per reference list given (registered by :func:`match_conditions`): its distinct NIKs (``keys``), how many
    are among the recipients of the view ``rs`` (``matched``) and how many match nobody (``unmatched``)."""
    out = {}
    for name, frame in lists.items():
        if frame is not None:
            keys, matched = con.execute(
                f"SELECT count(DISTINCT nik), count(DISTINCT nik) FILTER (WHERE nik IN "
                f"(SELECT nik FROM rs)) FROM {REFERENCE_TABLES[name]}"
            ).fetchall()[0]
            out[name] = {"keys": int(keys), "matched": int(matched), "unmatched": int(keys - matched)}
    return out


def register_previous(con, previous: pd.DataFrame, mapping) -> None:
    """The previous period's list as the table ``prev`` (its distinct trimmed NIKs), after checking its columns."""
    check_columns(previous.columns, "previous list", mapping)
    con.register("prev_raw", pd.DataFrame({"nik": previous[source_column("nik", mapping)].astype(str)}))
    con.execute("CREATE TEMP TABLE prev AS SELECT DISTINCT trim(nik) AS nik FROM prev_raw")


def cross_match(
    recipients: pd.DataFrame,
    params: Params,
    *,
    members: pd.DataFrame | None = None,
    deaths: pd.DataFrame | None = None,
    asn: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    salt: str | None = None,
) -> CrossMatch:
    """Match ``recipients`` (in the layout ``verification.mapping`` describes) with the reference lists; see the
    module docstring."""
    import duckdb

    mapping = params.verification.mapping
    check_columns(recipients.columns, "recipients", mapping)
    salt = get_salt() if salt is None else salt
    con = duckdb.connect()
    # the same reading, mapping and validity flags as the verification (bad_region, bad_src, bad_per)
    source, bound = register_frame(con, recipients, mapping)
    build_flags(con, source, params, row_sql="_row", bound=bound)
    con.execute("CREATE TEMP VIEW rs AS SELECT * FROM flags")
    conditions = match_conditions(con, members, deaths, asn)
    parts = [
        f"SELECT row_no AS row, '{flag}' AS flag, {salted_hash_sql('nik')} AS id_hash, {SAFE['region']} AS "
        f"kode_wilayah, {SAFE['src']} AS sumber_dana, {SAFE['per']} AS periode FROM rs WHERE {cond}"
        for flag, cond in conditions.items()
    ]
    flags = con.execute(" UNION ALL ".join(parts) + " ORDER BY row, flag", {"salt": salt}).df()
    summary = {flag: int((flags["flag"] == flag).sum()) for flag in FLAGS} | {"rows": len(recipients)}
    for name, counts in reference_counts(con, members=members, deaths=deaths, asn=asn).items():
        summary |= {f"{name}_keys": counts["keys"], f"{name}_unmatched": counts["unmatched"]}
    double = _double_funding(con)
    summary["double_funded"] = int(double["persons"].sum()) if len(double) else 0
    if previous is not None:
        register_previous(con, previous, mapping)
        carried, new, dropped = con.execute(  # type: ignore[misc]  # one row: the three counts
            "WITH c AS (SELECT DISTINCT nik FROM rs) "
            "SELECT (SELECT count(*) FROM c WHERE nik IN (SELECT nik FROM prev)), "
            "(SELECT count(*) FROM c WHERE nik NOT IN (SELECT nik FROM prev)), "
            "(SELECT count(*) FROM prev WHERE nik NOT IN (SELECT nik FROM c))"
        ).fetchone()
        summary |= {"carried_over": int(carried), "new": int(new), "dropped": int(dropped)}
    con.close()
    return CrossMatch(summary, flags, double)


def _double_funding(con) -> pd.DataFrame:
    """Persons listed by more than one funder in a period, per pair of funders (and by all three)."""
    pairs = ", ".join(f'count(*) FILTER (WHERE bool_or_{a} AND bool_or_{b}) AS "{a}+{b}"' for a, b in FUNDER_PAIRS)
    df = con.execute(f"""
        WITH p AS (SELECT per, nik, bool_or(src = 'apbd_prov') AS bool_or_apbd_prov,
                          bool_or(src = 'apbd_kabkota') AS bool_or_apbd_kabkota, bool_or(src = 'csr') AS bool_or_csr
                   FROM rs WHERE NOT bad_src AND NOT bad_per GROUP BY per, nik)
        SELECT per AS periode, {pairs},
               count(*) FILTER (WHERE bool_or_apbd_prov AND bool_or_apbd_kabkota AND bool_or_csr) AS "all_three",
               count(*) FILTER (WHERE CAST(bool_or_apbd_prov AS INT) + CAST(bool_or_apbd_kabkota AS INT)
                                      + CAST(bool_or_csr AS INT) > 1) AS persons
        FROM p GROUP BY per ORDER BY per""").df()
    return df
