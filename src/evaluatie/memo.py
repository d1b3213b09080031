"""Data and estimation results kept for the session, keyed on the content of their inputs.

An evaluator who changes one params value in JupyterLab and reruns the notebook should wait only for what
that value changes. Reading a data file (keyed on the hash of its bytes) and the estimation steps (pure
functions of a frame, keyed on the hash of its content, and a few settings) are answered from here when
their inputs are equal. Only this process remembers: a new kernel starts empty.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel

CAPACITY = 1024  # results; a demo initiative needs about 60
_results: OrderedDict = OrderedDict()
Result = TypeVar("Result")


class _Unkeyable(Exception):
    """An argument whose content cannot be told apart exactly: the call is then computed, not remembered."""


def _content(value: object) -> object:
    """An exact, hashable stand-in for an argument's content."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        try:
            hashed = pd.util.hash_pandas_object(value, index=True)
        except TypeError:  # cells holding lists or other unhashable values
            raise _Unkeyable(type(value).__qualname__) from None
        digest = hashlib.sha256(hashed.to_numpy().tobytes()).hexdigest()
        columns = tuple(map(str, value.columns)) if isinstance(value, pd.DataFrame) else str(value.name)
        dtypes = tuple(map(str, value.dtypes)) if isinstance(value, pd.DataFrame) else str(value.dtype)
        return type(value).__name__, columns, dtypes, digest
    if value is None or isinstance(value, (str, bytes, bool, int, float, Path)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, BaseModel):
        return type(value).__qualname__, value.model_dump_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__qualname__, tuple(_content(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return type(value).__name__, tuple(map(_content, value))
    if isinstance(value, Mapping):
        return "mapping", tuple((_content(k), _content(v)) for k, v in value.items())
    raise _Unkeyable(type(value).__qualname__)


def file_digest(path: str | Path) -> str:
    """The hash of a file's bytes, for keys that must change when the file does."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


def remembered(function: Callable[..., Result]) -> Callable[..., Result]:
    """Answer repeated calls with equal arguments from the session's results (a copy, so callers may change it)."""

    @functools.wraps(function)
    def answer(*args, **kwargs):
        try:
            key = (function.__module__, function.__qualname__, _content(args), _content(kwargs))
        except _Unkeyable:
            return function(*args, **kwargs)
        if key in _results:
            _results.move_to_end(key)
        else:
            _results[key] = function(*args, **kwargs)
            if len(_results) > CAPACITY:
                _results.popitem(last=False)
        return copy.deepcopy(_results[key])

    return answer


def forget() -> None:
    """Empty the session's results (for a measurement from a cold start)."""
    _results.clear()
