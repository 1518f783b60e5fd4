"""Scan text for personal data (NIKs and names of a recipient list) in one pass per file.

The values found are never printed: a finding names the file and the kind of value only."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

DIGIT_RUN = re.compile(r"\d{6,}")
WORD = re.compile(r"\w+")


class PersonalData:
    """The NIKs and names to look for. NIKs made of digits are matched as substrings of every digit run of the
    text (a set look-up per window, so a NIK inside a longer number is found too); names by their first word."""

    def __init__(self, niks, names):
        niks, names = set(niks), set(names)
        self.digit_niks = {n for n in niks if n.isdigit()}
        self.lengths = sorted({len(n) for n in self.digit_niks})
        self.other_niks = sorted(n for n in niks if not n.isdigit())
        self.names_by_first: dict[str, list[str]] = defaultdict(list)
        for name in names:
            first = WORD.match(name)
            if first:
                self.names_by_first[first.group()].append(name)
            elif name:
                self.other_niks.append(name)  # a name that does not start with a word: plain substring search

    def kinds_in(self, text: str) -> list[str]:
        """``["nik"]``, ``["name"]``, both or none: which kinds of personal data ``text`` holds."""
        found = []
        if self._nik_in(text):
            found.append("nik")
        if self._name_in(text):
            found.append("name")
        return found

    def _nik_in(self, text: str) -> bool:
        for run in set(DIGIT_RUN.findall(text)):
            for width in self.lengths:
                if width <= len(run) and any(
                    run[i : i + width] in self.digit_niks for i in range(len(run) - width + 1)
                ):
                    return True
        return any(n in text for n in self.other_niks)

    def _name_in(self, text: str) -> bool:
        for m in WORD.finditer(text):
            for name in self.names_by_first.get(m.group(), ()):
                if text.startswith(name, m.start()):
                    return True
        return False

    def scan(self, folder: Path) -> tuple[int, list[str]]:
        """Every file below ``folder`` → (files read, ``["<file>: nik", …]`` for the files that hold any)."""
        files = [f for f in folder.rglob("*") if f.is_file()]
        problems = []
        for f in files:
            kinds = self.kinds_in(f.read_bytes().decode("utf-8", errors="ignore"))
            problems += [f"{f}: raw {kind} found" for kind in kinds]
        return len(files), problems
