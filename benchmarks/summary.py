"""Every recorded figure with its target and verdict, from ``benchmarks/results/*.json`` (the last ``make bench``)."""
from __future__ import annotations

import json

from common import RESULTS


def markdown() -> None:
    """The README's Performance table from the recorded results."""
    print("| area | figure | value | target | verdict | detail |\n|---|---|---|---|---|---|")
    for path in sorted(RESULTS.glob("*.json")):
        res = json.loads(path.read_text(encoding="utf-8"))
        for c in res["checks"]:
            sign = "≤" if c["better"] == "lower" else "≥"
            tgt = "" if c["target"] is None else f"{sign} {c['target']:g}{c['unit']}"
            verdict = {True: "pass", False: "**miss**", None: "–"}[c["pass"]]
            print(f"| {res['area']} | {c['name']} | {c['value']:.3g}{c['unit']} | {tgt} | {verdict} | {c['detail']} |")


def main() -> int:
    import sys

    if "--markdown" in sys.argv:
        markdown()
        return 0
    failed = 0
    print("\n== summary of benchmarks/results/*.json")
    for path in sorted(RESULTS.glob("*.json")):
        res = json.loads(path.read_text(encoding="utf-8"))
        print(f"-- {res['area']}  ({res['machine']['date']}, {res['machine']['cores']} cores, "
              f"commit {res['machine']['git_commit']})")
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
