"""Params restricted to what a notebook declares it reads, so that a reused notebook can never be stale.

A report notebook may declare in its metadata the params it reads::

    "metadata": {"evalkit": {"uses": ["seed", "data", "policy", "evaluation", "report"]}}

(top-level sections, or ``section.field`` for single fields). The batch runner then reuses the notebook's
outputs from an earlier run whenever those params, the data, the notebook, the language and evalkit's
code are unchanged (:mod:`evalkit.runner.reuse`). That is only safe if the declaration is complete, so
while such a notebook runs every undeclared section is replaced by :class:`Undeclared`, which raises
:class:`UndeclaredParams` naming the notebook, the key and the fix on any use: a missing declaration
fails the notebook loudly on its first run instead of producing a stale report later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import EvalkitError

if TYPE_CHECKING:
    from .schema import Params


class UndeclaredParams(EvalkitError):
    """A notebook read a params key its ``evalkit.uses`` metadata does not list."""


class Undeclared:
    """Stands in for a params section or field the running notebook did not declare."""

    __slots__ = ("_key", "_notebook", "_uses")

    def __init__(self, key: str, notebook: str, uses: tuple[str, ...]):
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_notebook", notebook)
        object.__setattr__(self, "_uses", uses)

    def _fail(self, what: str = ""):
        key = object.__getattribute__(self, "_key")
        nb = object.__getattribute__(self, "_notebook")
        uses = object.__getattribute__(self, "_uses")
        full = f"{key}{what}"
        parts = full.split(".")
        suggest = f"'{parts[0]}'" + (f" or '{parts[0]}.{parts[1].split('[')[0]}'" if len(parts) > 1 else "")
        raise UndeclaredParams(
            f"notebook {nb} reads params key `{full}`, but its metadata evalkit.uses lists only "
            f"{', '.join(uses) or '(nothing)'}: add {suggest} to evalkit.uses in the notebook's metadata, "
            f"or remove evalkit.uses to run the notebook every time"
        )

    def __getattr__(self, name):
        self._fail(f".{name}")

    def __getitem__(self, item):
        self._fail(f"[{item!r}]")

    def __iter__(self):
        self._fail()

    def __bool__(self):
        self._fail()

    def __len__(self):
        self._fail()

    def __eq__(self, other):
        self._fail()

    def __hash__(self):
        self._fail()

    def __str__(self):
        self._fail()

    def __repr__(self) -> str:
        return f"<undeclared params key {object.__getattribute__(self, '_key')}>"


def _raiser(name: str):
    def method(self, *args, **kwargs):
        self._fail()

    method.__name__ = name
    return method


for _name in (
    "__int__",
    "__index__",
    "__float__",
    "__format__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__ne__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__contains__",
    "__call__",
):
    setattr(Undeclared, _name, _raiser(_name))


def check_uses(params: Params, uses) -> tuple[str, ...]:
    """The declaration as a tuple, each entry a section or ``section.field`` of ``params``."""
    fields = type(params).model_fields
    out = []
    for entry in uses:
        section, _, field = str(entry).partition(".")
        if section not in fields or (field and field not in type(getattr(params, section)).model_fields):
            allowed = ", ".join(fields)
            raise UndeclaredParams(f"evalkit.uses entry {entry!r} is not a params key; sections: {allowed}")
        out.append(str(entry))
    return tuple(out)


def restrict(params: Params, uses, notebook: str):
    """A copy of ``params`` where everything ``uses`` does not name is :class:`Undeclared`."""
    uses = check_uses(params, uses)
    whole = {u for u in uses if "." not in u}
    update = {}
    for section in type(params).model_fields:
        if section in whole:
            continue
        fields = [u.split(".", 1)[1] for u in uses if u.startswith(section + ".")]
        if not fields:
            update[section] = Undeclared(section, notebook, uses)
        else:
            sub = getattr(params, section)
            update[section] = sub.model_copy(
                update={
                    f: Undeclared(f"{section}.{f}", notebook, uses) for f in type(sub).model_fields if f not in fields
                }
            )
    return params.model_copy(update=update)


def used_values(params: Params, uses) -> dict:
    """The JSON values of the declared keys: what a reused notebook's outputs depend on."""
    dumped = params.model_dump(mode="json")
    out = {}
    for entry in check_uses(params, uses):
        section, _, field = entry.partition(".")
        out[entry] = dumped[section][field] if field else dumped[section]
    return out
