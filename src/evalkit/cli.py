"""Command line: ``evalkit validate|run|verify|rerun|cache|schemas|templates|example``.

Exit codes: 0 success; 1 a notebook or scenario failed (the others still rendered); 2 bad input
(params or data), reported without a traceback before anything runs; 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from pathlib import Path

from .core import cache
from .core.paths import project_root
from .core.salt import SaltError, get_salt
from .core.version import __version__
from .data.schemas import SCHEMAS, markdown_table
from .errors import EvalkitError, OutputsError, Problem
from .params import load_params
from .runner.validate import check_inputs, validate_all

#: Failures of the disk, not of evalkit: reported in words with exit code 2, never as a traceback.
WRITE_ERRORS = (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT)


def _print_error(exc: EvalkitError) -> None:
    kind = {"params": "Params error", "data": "Data error", "outputs": "Outputs error"}.get(exc.kind, "Error")
    count = len(exc.problems)
    head = f"{kind}{'s' if count > 1 else ''} ({count}):" if count else f"{kind}:"
    print(head, file=sys.stderr)
    for p in exc.problems or []:
        print("  - " + p.message(), file=sys.stderr)
    if not exc.problems:
        print("  " + str(exc), file=sys.stderr)


def cmd_validate(args) -> int:
    failed = False
    for path in args.params:
        try:
            params = load_params(path)
            if args.data:
                check_inputs(params)
            print(f"OK  {path}  (scenario '{params.scenario.name}')")
        except EvalkitError as exc:
            _print_error(exc)
            failed = True
    return 2 if failed else 0


def cmd_run(args) -> int:
    checked = validate_all(args.params)  # bad input is refused before the notebook machinery is loaded
    from .runner.run import install_sigterm, run  # lazy: papermill and nbconvert take ~3 s to import

    install_sigterm()
    if args.no_cache:  # inherited by the kernels
        os.environ["EVALKIT_CACHE"] = "off"
    result = run(
        args.params,
        jobs=args.jobs,
        lang=args.lang,
        outputs=args.outputs,
        notebooks_dir=args.notebooks,
        quiet=args.quiet,
        fresh_kernels=args.fresh_kernels,
        checked=checked,
    )
    print("", file=sys.stderr)
    print(f"{'scenario':<28} {'notebook':<26} {'status':<8} seconds", file=sys.stderr)
    for sc in result.scenarios:
        for nb in sc.notebooks:
            took = f"{nb.get('seconds', '')}" + (" (reused)" if nb.get("reused") else "")
            print(f"{sc.scenario:<28} {nb['name']:<26} {nb['status']:<8} {took}", file=sys.stderr)
            if nb["error"]:
                print(f"{'':<28} {'':<26} {nb['error'][:200]}", file=sys.stderr)
    for sc in result.scenarios:
        if sc.index is not None:
            print(sc.index)
    if result.comparison is not None:
        print(result.comparison)
    return result.exit_code


def cmd_verify(args) -> int:
    from .report.officer import verify_to_workbook  # lazy: DuckDB and openpyxl, only for this command

    params = load_params(args.params)
    summary, workbook = verify_to_workbook(
        args.file,
        params,
        outputs=args.outputs,
        period=args.period,
        previous=args.previous,
        engine=args.engine,
        lang=args.lang,
    )
    width = max(len(k) for k in summary)
    for k, v in summary.items():
        print(f"{k:<{width}}  {v}")
    print(workbook)
    return 0


def cmd_determine(args) -> int:
    from .recipients.determination import read_quotas  # lazy: DuckDB and openpyxl
    from .report.i18n import t  # lazy: Babel and the catalogue, only for this command
    from .report.officer import determine_to_workbooks  # lazy: DuckDB and openpyxl

    params = load_params(args.params)
    decree = {"number": args.decree_number, "date": args.decree_date, "title": args.decree_title}
    folder, restricted = determine_to_workbooks(
        args.file,
        params,
        read_quotas(args.quotas),
        args.period,
        outputs=args.outputs,
        members=args.members,
        deaths=args.deaths,
        asn=args.asn,
        previous=args.previous,
        restricted_dir=args.restricted_dir,
        decree=decree,
        lang=args.lang,
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    for reason, state in summary["checked"].items():
        if state != "checked":
            print(t("off_cli_not_checked", args.lang, reason=t(f"off_reason_{reason}", args.lang)))
    print(folder)
    print(
        t("off_cli_restricted", args.lang, folder=restricted) if restricted else t("off_cli_no_restricted", args.lang)
    )
    return 0


def cmd_rerun(args) -> int:
    from .runner.rerun import rerun  # lazy: papermill and nbconvert take ~3 s to import
    from .runner.run import install_sigterm  # lazy: as above

    install_sigterm()
    return rerun(args.manifest, jobs=args.jobs, quiet=args.quiet)


def cmd_cache(args) -> int:
    root = project_root(Path(args.project))
    if args.action == "clear":
        try:
            removed = cache.clear(root)
        except cache.NotACache as exc:
            raise OutputsError(
                [
                    Problem(
                        str(exc.args[0]),
                        "cache folder",
                        "",
                        f"holds no {cache.MARKER} marker, so it is not a cache evalkit made: nothing "
                        "was deleted (check EVALKIT_CACHE_DIR)",
                    )
                ]
            ) from None
        print(f"removed {removed} cache entries from {cache.cache_dir(root)}")
    else:
        folder, n, size = cache.info(root)
        print(f"{folder}: {n} entries, {size / 1e6:.1f} MB")
    return 0


def cmd_schemas(args) -> int:
    for name, cols in SCHEMAS.items():
        print(f"### {name}\n\n{markdown_table(cols)}\n")
    return 0


def cmd_templates(args) -> int:
    from .data.templates import write_templates  # lazy: openpyxl, only for this command

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def cmd_example(args) -> int:
    from .example import write_example  # lazy: the simulators and openpyxl, only for this command

    params = load_params(args.params)
    for path in write_example(params, Path(args.out)):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evalkit", description="Evaluate Kaltim Pergub 19/2023 with parameterised notebooks."
    )
    parser.add_argument("--version", action="version", version=f"evalkit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check params files (and with --data their data) without running anything")
    v.add_argument("params", nargs="+")
    v.add_argument("--data", action="store_true", help="also load and validate the data each file points to")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("run", help="render the report for one or more params files")
    r.add_argument("params", nargs="+")
    r.add_argument(
        "--jobs", type=int, default=None, help="notebooks run in parallel, across scenarios (default: the CPU cores)"
    )
    r.add_argument("--lang", choices=["id", "en"], default=None, help="report language (default: params)")
    r.add_argument("--outputs", default="outputs", help="output folder (default: outputs)")
    r.add_argument("--notebooks", default=None, help="notebook folder (default: <project>/notebooks)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="a new kernel for every notebook (default: warm kernels reused across notebooks)",
    )
    r.add_argument(
        "--no-cache",
        action="store_true",
        help="compute everything: no prepared tables or notebook outputs from outputs/.cache",
    )
    r.set_defaults(func=cmd_run)
    vf = sub.add_parser("verify", help="verify a recipient list (CSV/XLSX/Parquet); writes an Excel workbook of issues")
    vf.add_argument("file")
    vf.add_argument("--period", default=None, help="only this period, YYYY-MM")
    vf.add_argument("--previous", default=None, help="previous list, for new/continuing/dropped recipients")
    vf.add_argument(
        "--engine",
        choices=["auto", "pandas", "duckdb"],
        default="auto",
        help="auto = DuckDB above verification.duckdb_threshold_rows",
    )
    vf.add_argument("--params", default="params/default.yaml", help="params with the verification rules")
    vf.add_argument("--outputs", default="outputs", help="output folder (default: outputs)")
    vf.add_argument("--lang", choices=("id", "en"), default="id", help="language of the workbook (default: id)")
    vf.set_defaults(func=cmd_verify)
    dt = sub.add_parser(
        "determine",
        help="determine (penetapan) the period's recipients from kab/kota proposals: "
        "one decree-annex workbook per kab/kota",
    )
    dt.add_argument("file", help="the proposals (CSV/XLSX/Parquet, layout as verification.mapping)")
    dt.add_argument("--period", required=True, help="the period determined, YYYY-MM")
    dt.add_argument("--quotas", required=True, help="CSV kode_wilayah,kuota or a run's budget allocation table")
    dt.add_argument("--members", default=None, help="active BPJS TK members (template: data/templates)")
    dt.add_argument("--deaths", default=None, help="deaths list")
    dt.add_argument("--asn", default=None, help="ASN/TNI/Polri and other non-eligible statuses")
    dt.add_argument("--previous", default=None, help="the previous period's determined list (for continuity)")
    dt.add_argument("--params", default="params/default.yaml", help="params with the verification rules")
    dt.add_argument("--outputs", default="outputs", help="output folder (default: outputs)")
    dt.add_argument(
        "--restricted-dir",
        default=None,
        help="a folder outside outputs/ on this machine for the "
        "restricted annexes (full NIK and names) and the BPJS enrolment files; without it only the "
        "publishable annexes are written",
    )
    dt.add_argument("--decree-number", default="", help="nomor of the decree (overrides params)")
    dt.add_argument("--decree-date", default="", help="tanggal of the decree (overrides params)")
    dt.add_argument("--decree-title", default="", help="tentang: the decree's title (overrides params)")
    dt.add_argument("--lang", choices=("id", "en"), default="id", help="language of the workbooks (default: id)")
    dt.set_defaults(func=cmd_determine)
    rr = sub.add_parser("rerun", help="rerun a report from its manifest.json and report any difference")
    rr.add_argument("manifest")
    rr.add_argument("--jobs", type=int, default=None, help="notebooks run in parallel (default: the CPU cores)")
    rr.add_argument("--quiet", action="store_true")
    rr.set_defaults(func=cmd_rerun)
    c = sub.add_parser("cache", help="show or clear the prepared-table cache (outputs/.cache)")
    c.add_argument("action", choices=["info", "clear"])
    c.add_argument("--project", default=".", help="project folder (default: here)")
    c.set_defaults(func=cmd_cache)
    s = sub.add_parser("schemas", help="print the documented input schemas as Markdown")
    s.set_defaults(func=cmd_schemas)
    tp = sub.add_parser("templates", help="write an Excel and a CSV template for every input (default: data/templates)")
    tp.add_argument("--out", default="data/templates", help="folder to write them to")
    tp.set_defaults(func=cmd_templates)
    ex = sub.add_parser(
        "example",
        help="write the SYNTHETIC example inputs in the real-file formats (default: "
        "data/example, from params/default.yaml)",
    )
    ex.add_argument("--params", default="params/default.yaml", help="params whose seed and simulator settings to use")
    ex.add_argument("--out", default="data/example", help="folder to write them to")
    ex.set_defaults(func=cmd_example)
    return parser


SALTED = ("run", "verify", "rerun")
"""Commands that hash identifiers."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (getattr(args, "jobs", None) or 1) < 1:
        parser.error("--jobs must be 1 or more")
    try:
        if args.command in SALTED:
            get_salt()  # an empty or short salt is refused before any work (hashed NIKs would be reversible)
        return args.func(args)
    except SaltError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except EvalkitError as exc:
        _print_error(exc)
        return exc.exit_code
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"Error: cannot write{where} ({exc.strerror}). Nothing half-written was published; earlier runs and "
            "'latest' are untouched. Free disk space or fix permissions, or choose another folder with --outputs.",
            file=sys.stderr,
        )
        return 2
    except BrokenPipeError:  # the output was piped into a command that stopped reading (e.g. `| head`)
        sys.stdout = open(os.devnull, "w")
        return 0
    except KeyboardInterrupt:
        print(
            "Interrupted: earlier runs and 'latest' are untouched; the unfinished run is kept in an "
            ".interrupted-* folder.",
            file=sys.stderr,
        )
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(130)  # do not wait for notebook threads; their kernels stop with their parent


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
