"""Every recorded figure with its target and verdict, from ``benchmarks/results/*.json`` (the last ``make bench``).

``--markdown`` prints the README's Performance table; ``--readme`` writes it, and the set-up and test times,
into README.md between its ``<!-- bench:… -->`` markers, so the README quotes only recorded figures
(tests/test_environment.py checks that the README equals what this prints from the results)."""

from __future__ import annotations

import json
import re
import sys

from common import RESULTS, ROOT

README = ROOT / "README.md"


def results() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(RESULTS.glob("*.json"))]


def table() -> str:
    """The README's Performance table from the recorded results."""
    lines = ["| area | figure | value | target | verdict | detail |", "|---|---|---|---|---|---|"]
    for res in results():
        for c in res["checks"]:
            sign = "≤" if c["better"] == "lower" else "≥"
            tgt = "" if c["target"] is None else f"{sign} {c['target']:g}{c['unit']}"
            verdict = {True: "pass", False: "**miss**", None: "–"}[c["pass"]]
            lines.append(
                f"| {res['area']} | {c['name']} | {c['value']:.3g}{c['unit']} | {tgt} | {verdict} | {c['detail']} |"
            )
    return "\n".join(lines)


def setup_line() -> str:
    """One sentence with the recorded clean-clone set-up and test times (benchmarks/setup.py)."""
    path = RESULTS / "setup.json"
    if not path.is_file():
        return "No set-up time recorded yet (`python benchmarks/setup.py`)."
    res = json.loads(path.read_text(encoding="utf-8"))
    f, m = res["figures"], res["machine"]
    parts = [
        f"`make report` {f['report_cold_s']:.0f} s with cold package caches and {f['report_warm_s']:.0f} s "
        f"with a warm uv cache"
    ]
    if "test_s" in f:
        parts.append(
            f"`make test` {f['test_s']:.0f} s ({f['test_counts']}) and `make test-fast` "
            f"{f['test_fast_s']:.0f} s ({f['test_fast_counts']})"
        )
    return (
        f"Recorded from a clean clone on {m['cores']} cores ({m['date'][:10]}, commit {m['git_commit']}): "
        + "; ".join(parts)
        + "."
    )


BLOCKS = {"table": table, "setup": setup_line}


def readme_text(text: str) -> str:
    """README text with every ``<!-- bench:NAME -->…<!-- /bench:NAME -->`` block filled from the results."""
    for name, make in BLOCKS.items():
        text = re.sub(
            rf"(<!-- bench:{name} -->\n)(?:.*?\n)?(<!-- /bench:{name} -->)",
            lambda m, make=make: m.group(1) + make() + "\n" + m.group(2),
            text,
            flags=re.S,
        )
    return text


def main() -> int:
    if "--markdown" in sys.argv:
        print(table())
        return 0
    if "--readme" in sys.argv:
        README.write_text(readme_text(README.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote the recorded figures into {README.relative_to(ROOT)}")
        return 0
    failed = 0
    print("\n== summary of benchmarks/results/*.json")
    for res in results():
        print(
            f"-- {res['area']}  ({res['machine']['date']}, {res['machine']['cores']} cores, "
            f"commit {res['machine']['git_commit']})"
        )
        for c in res["checks"]:
            sign = "<=" if c["better"] == "lower" else ">="
            tgt = "" if c["target"] is None else f"target {sign} {c['target']:g}{c['unit']}"
            verdict = {True: "PASS", False: "FAIL", None: "info"}[c["pass"]]
            failed += c["pass"] is False
            print(f"  {c['name']:<52} {c['value']:10.3f}{c['unit']:<3} {tgt:<18} {verdict}")
    print(f"\n{failed} figure(s) below target" if failed else "\nevery target met")
    return 0  # a missed target is reported, not an error: the numbers are still the record


if __name__ == "__main__":
    raise SystemExit(main())
