"""Where a number comes from: **data** (an input file and its table), an **estimate** (a design, with its interval),
an **assumption** (params keys, with the source note written beside them in the params file and whether it is
marked verify), or **derived** from several of these (it lists what it rests on).

Every declared headline and result table carries a :class:`Provenance` (:mod:`evalkit.report.outputs`); the
notebooks store it, resolved, with each headline in ``results/<notebook>.json`` (``provenance``: ``kind`` and
``sources``), and every page shows it as a small marker linking to the run's assumptions table (``run.html``).

A source is written ``data:<input>`` (``panel``, ``recipients``, ``companies``), ``estimate:<what>`` (a design or
the comparison table) or ``params:<dotted key>``.
"""

from __future__ import annotations

import html as _html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import i18n

if TYPE_CHECKING:
    from ..params.schema import Params

KINDS = ("data", "estimate", "assumption", "derived")
PREFIXES = {"data": "data", "estimate": "estimate", "params": "assumption"}


@dataclass(frozen=True)
class Provenance:
    """``kind`` in :data:`KINDS`; ``sources`` like ``("data:panel", "params:budget.cap_share_of_revenue")``."""

    kind: str
    sources: tuple[str, ...]

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"provenance kind {self.kind!r} is not one of {KINDS}")
        if not self.sources:
            raise ValueError("a provenance names at least one source")
        for s in self.sources:
            if s.partition(":")[0] not in PREFIXES or not s.partition(":")[2]:
                raise ValueError(f"provenance source {s!r}: write data:<input>, estimate:<what> or params:<key>")

    def plus(self, *more: str) -> Provenance:
        """This provenance with more sources (``derived`` when they add another kind)."""
        added = tuple(m for m in dict.fromkeys(more) if m and m not in self.sources)
        if not added:
            return self
        had = {PREFIXES[s.partition(":")[0]] for s in self.sources}
        new = {PREFIXES[s.partition(":")[0]] for s in added}
        return Provenance(self.kind if new <= had else "derived", self.sources + added)


def data(*inputs: str) -> Provenance:
    return Provenance("data", tuple(f"data:{i}" for i in inputs))


def estimate(*sources: str) -> Provenance:
    return Provenance("estimate", sources)


def assumption(*keys: str) -> Provenance:
    return Provenance("assumption", tuple(f"params:{k}" for k in keys))


def derived(*sources: str) -> Provenance:
    return Provenance("derived", sources)


# -- params: values and the notes written beside them ------------------------------------------------------------
def flatten(tree, prefix: str = "") -> dict[str, object]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``; lists stay values."""
    out: dict[str, object] = {}
    for key, value in (tree or {}).items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out |= flatten(value, path + ".")
        else:
            out[path] = value
    return out


def yaml_comments(path: Path) -> dict[str, str]:
    """The trailing ``# comment`` of every key line of a params YAML file, by dotted key (the source notes the
    params files carry beside each constant)."""
    out: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"""^( *)(["']?)([A-Za-z0-9_]+)\2:(.*)$""", line)
        if not m:
            continue
        indent, key, rest = len(m.group(1)), m.group(3), m.group(4)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        comment = re.search(r"""\s#\s?(.*)$""", rest) if not re.match(r"""^\s*["'][^"']*#""", rest) else None
        if comment:
            out[".".join(k for _, k in stack)] = comment.group(1).strip()
    return out


def source_note(comments: dict[str, str], key: str) -> str | None:
    """The source note of ``key`` or, for a value inside a one-line mapping (``{low: 1, high: 2}  # source``),
    the note on its parent's line; a section's note (further up) is not a value's source."""
    if key in comments:
        return comments[key]
    return comments.get(key.rpartition(".")[0])


#: beside a params file evalkit writes itself (a rerun's resolved params), the source notes it carries over from the
#: old run's manifest, as JSON: ``params.yaml.notes.json``
NOTES_SUFFIX = ".notes.json"
MAX_NOTES_BYTES = 1_000_000


@lru_cache(maxsize=16)
def _notes(files: tuple[str, ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for f in reversed(files):  # the base file first, the scenario's own file last
        path = Path(f)
        if path.is_file():
            merged |= yaml_comments(path)
        sidecar = path.with_name(path.name + NOTES_SUFFIX)
        if sidecar.is_file() and sidecar.stat().st_size <= MAX_NOTES_BYTES:
            try:
                carried = json.loads(sidecar.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                carried = {}
            if isinstance(carried, dict):
                merged |= {str(k): str(v) for k, v in carried.items()}
    return merged


def params_notes(params: Params) -> dict[str, str]:
    """The source notes of the params files a params object was read from (its ``extends`` chain)."""
    return _notes(tuple(str(f) for f in getattr(params, "_files", ()) or ()))


def params_value(params: Params, key: str):
    """The value of a dotted params key, read attribute by attribute (so a notebook's params restricted to what it
    declares refuse a key it did not declare); JSON-ready. ``KeyError`` if the params have no such key."""
    node = params
    for part in key.split("."):
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(key)
            node = node[part]
        elif hasattr(type(node), "model_fields") and part in type(node).model_fields:
            node = getattr(node, part)
        elif type(node).__name__ == "Undeclared":
            node = getattr(node, part)  # raises, naming the undeclared key
        else:
            raise KeyError(key)
    if hasattr(node, "model_dump"):
        return node.model_dump(mode="json")
    if isinstance(node, (list, tuple)):
        return [v.model_dump(mode="json") if hasattr(v, "model_dump") else v for v in node]
    if isinstance(node, dict):
        return {str(k): (v.model_dump(mode="json") if hasattr(v, "model_dump") else v) for k, v in node.items()}
    return node


def resolve(prov: Provenance, params: Params | None) -> dict:
    """The JSON-ready provenance stored with a headline: ``kind`` and ``sources``, each source with its ``kind``
    and ``ref``; a params source also with its ``value``, ``note`` (the comment beside it) and ``verify``."""
    notes = params_notes(params) if params is not None else {}
    out = []
    for s in prov.sources:
        prefix, _, ref = s.partition(":")
        item: dict = {"kind": PREFIXES[prefix], "ref": ref}
        if prefix == "params" and params is not None:
            try:
                item["value"] = params_value(params, ref)
            except KeyError:
                raise KeyError(f"provenance names params key {ref!r}, which the params do not have") from None
            note = source_note(notes, ref)
            item["note"] = note or ""
            item["verify"] = "(verify)" in (note or "")
        out.append(item)
    return {"kind": prov.kind, "sources": out}


#: params keys under a named entry, in words: (pattern, catalogue key, how the parts become its fields)
_KEY_PATTERNS = (
    (
        re.compile(r"^budget\.uncertainty\.parameters\.(\w+)\.(\w+)$"),
        "param_uncertainty",
        lambda m, lang: {"name": key_label(f"budget.{m[1]}", lang), "field": _catalogue(f"dist_{m[2]}", lang, m[2])},
    ),
    (
        re.compile(r"^budget\.kabkota_cofunding_share\.(\w+)$"),
        "param_kabkota_cofunding",
        lambda m, lang: {"code": m[1]},
    ),
    (
        re.compile(r"^scorecard\.indicators\.(\w+)\.(weight|direction)$"),
        None,
        lambda m, lang: {"name": _catalogue(f"col_{m[1]}", lang, m[1].replace("_", " "))},
    ),
)


def _catalogue(key: str, lang: str, default: str) -> str:
    return i18n.t(key, lang) if key in i18n.TEXT else default


def key_label(key: str, lang: str) -> str:
    """A params key in words: its catalogue name (``param_<key with _ for .>``, a named entry such as one
    uncertainty bound or one indicator's weight, or ``param_<leaf>``), else the path in words."""
    full = "param_" + key.replace(".", "_")
    if full in i18n.TEXT:
        return i18n.t(full, lang)
    for pattern, text_key, fields in _KEY_PATTERNS:
        m = pattern.match(key)
        if m:
            return i18n.t(text_key or f"param_indicator_{m[2]}", lang, **fields(m, lang))
    leaf = key.rsplit(".", 1)[-1]
    if f"param_{leaf}" in i18n.TEXT:
        return i18n.t(f"param_{leaf}", lang)
    return " › ".join(part.replace("_", " ") for part in key.split("."))


#: params whose whole numbers are names, not quantities: no thousands separator (2029, not 2.029)
NO_GROUPING = ("year", "seed")


#: catalogue prefixes of closed-set params values (``budget.measure: total_coverage`` → ``measure_total_coverage``)
CHOICE_PREFIXES = ("measure_", "outcome_", "design_", "rule_", "dist_", "staggered_", "inference_", "ranking_")


def choice_text(value: str, lang: str, leaf: str = "") -> str:
    """A closed-set params value in words: its catalogue entry when there is one, else without underscores."""
    for prefix in (f"{leaf}_", *CHOICE_PREFIXES):
        if f"{prefix}{value}" in i18n.TEXT:
            return i18n.t(f"{prefix}{value}", lang)
    return value.replace("_", " ")


def value_text(value, lang: str, key: str = "") -> str:
    """A params value as a planner reads it: numbers by locale, yes/no, closed-set values in words."""
    leaf = key.rsplit(".", 1)[-1]
    if isinstance(value, bool):
        return i18n.t("yes" if value else "no", lang)
    if isinstance(value, (int, float)):
        if float(value).is_integer() and (leaf in NO_GROUPING or leaf.endswith(tuple("_" + n for n in NO_GROUPING))):
            return str(int(value))
        if float(value).is_integer():
            return i18n.fmt_number(value, lang, 0)
        return i18n.fmt_number(value, lang, 4).rstrip("0").rstrip(",.")  # 0.0050 → 0,005
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(choice_text(v, lang, leaf) for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)[:200]
    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", value):
        return choice_text(value, lang, leaf)
    return str(value)


def note_reader(keys, lang: str):
    """A function that writes the params keys a source note names (``months before start_month``) in words: by
    dotted path or by a leaf that is an identifier (``churn_share``), never a plain word such as "year", which stays
    as written."""
    keys = list(keys)
    words = {k: key_label(k, lang) for k in keys} | {
        k.rsplit(".", 1)[-1]: key_label(k, lang) for k in keys if "_" in k.rsplit(".", 1)[-1]
    }
    if not words:
        return lambda note: note
    named = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")
    return lambda note: named.sub(lambda m: words[m.group(1)], note)


# -- showing it -------------------------------------------------------------------------------------------------
def describe(resolved: dict, lang: str) -> str:
    """The sources in words, for a tooltip or a workbook cell: "data: panel; assumption: budget.x (verify)"."""
    parts = []
    for s in resolved.get("sources", []):
        text = f"{i18n.t('prov_' + s['kind'], lang)}: {s['ref']}"
        if s.get("verify"):
            text += " (verify)"
        parts.append(text)
    return "; ".join(parts)


def marker(resolved: dict | Provenance | None, lang: str, href: str = "run.html#assumptions", tag: str = "a") -> str:
    """A small marker (``Data``, ``Estimasi``, ``Asumsi``, ``Turunan``) linking to the run's assumptions table, its
    sources in the tooltip. ``tag="span"`` inside another link (a card)."""
    if resolved is None:
        return ""
    if isinstance(resolved, Provenance):
        resolved = resolve(resolved, None)
    kind = resolved.get("kind", "derived")
    esc = _html.escape
    title = esc(describe(resolved, lang))
    link = f' href="{esc(href)}"' if tag == "a" else ""
    return (
        f'<{tag} class="evk-prov evk-prov-{esc(kind)}"{link} title="{title}">'
        f"{esc(i18n.t('prov_' + kind, lang))}</{tag}>"
    )
