"""Frozen dataclass instances built without their ``__init__`` (issue 9, speed round 5).

A frozen dataclass's ``__init__`` writes each field through ``object.__setattr__`` (the
frozen guard): about a microsecond for the six fields of a ``Candidate`` or ``Finding``, more
for a ``Verdict``, paid for every reading of every message. ``builder(cls)`` gives a function
taking every field positionally, in declaration order, that writes them straight into the new
instance's ``__dict__`` in that order: the instance is the one ``cls(*fields)`` makes, field
for field, ``__dict__`` and its order included (tests/test_fastnew.py checks equality, hash,
repr, ``vars`` and pickling). Only classes whose ``__init__`` does nothing else qualify: no
``__post_init__``, no ``__slots__``, every field set by ``__init__``; anything else is refused
when the builder is made, not worked around.
"""

from __future__ import annotations

import dataclasses
import keyword
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["builder"]

T = TypeVar("T")


def builder(cls: type[T]) -> Callable[..., T]:
    """``build(*fields)``, equal to ``cls(*fields)`` with every field given positionally."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: not a plain dataclass")
    if "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: has __slots__")
    names = []
    for field in dataclasses.fields(cls):
        if not field.init or not field.name.isidentifier() or keyword.iskeyword(field.name):
            raise TypeError(f"{cls.__name__}.{field.name}: not set by __init__")
        names.append(field.name)
    if len(dataclasses.fields(cls)) != len(cls.__dataclass_fields__):
        raise TypeError(f"{cls.__name__}: has pseudo-fields (ClassVar or InitVar)")
    writes = "".join(f"    values[{name!r}] = {name}\n" for name in names)
    source = (
        f"def build({', '.join(names)}):\n"
        "    made = new(cls)\n"
        "    values = made.__dict__\n"
        f"{writes}"
        "    return made\n"
    )
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    exec(source, scope)  # generated from the field names checked above
    build: Callable[..., T] = scope["build"]
    build.__qualname__ = build.__name__ = f"build_{cls.__name__}"
    return build
