"""JSON in and out, strictly: the one place where results become JSON and untrusted JSON is read.

Out: ``to_jsonable`` turns numpy values into Python ones. A non-finite number either becomes
``null`` (metrics where "undefined" is an answer, e.g. an AUROC with one class) or is an error
that names where it sits (a verdict that is NaN is a failure, never a "NaN" in the output,
which is not JSON). ``dumps`` never writes a bare ``NaN``.

In: ``loads`` reads a file someone else wrote (a bundle manifest, a dictionary, a session):
no ``NaN``/``Infinity``, no number that overflows a float or has thousands of digits, no
nesting deeper than ``MAX_DEPTH``; every failure is one ``InspectorError`` with ``code``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from app.core.errors import InspectorError

MAX_DEPTH = 32  # a manifest is 4 levels deep, a session 5
MAX_NUMBER_CHARS = 64  # no real field needs more digits; int() of 5,000 digits raises deep inside json
NonFinite = Literal["null", "error"]


def to_jsonable(obj: Any, nonfinite: NonFinite = "error", where: str = "") -> Any:
    """A JSON-safe copy: numpy arrays and scalars as Python values, keys as strings.

    ``nonfinite="error"`` raises ``InspectorError("nonfinite_result")`` naming the field
    (``edited.score``); ``"null"`` writes ``null`` instead.
    """
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v, nonfinite, f"{where}.{k}" if where else str(k)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, nonfinite, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist(), nonfinite, where)
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        if math.isfinite(f):
            return f
        if nonfinite == "null":
            return None
        raise InspectorError(
            "nonfinite_result", f"the result is not a number at '{where or 'top level'}' ({f}): the model produced a "
            "non-finite value (NaN or infinity), so there is no valid result to report", field=where,
        )
    return obj


def dumps(obj: Any, nonfinite: NonFinite = "error", indent: int | None = 2) -> str:
    """Strict JSON text of ``obj`` (never a bare NaN)."""
    return json.dumps(to_jsonable(obj, nonfinite), indent=indent, ensure_ascii=False, allow_nan=False)


def _bad(what: str, code: str, text: str) -> InspectorError:
    return InspectorError(code, f"{what} is not valid JSON: {text}")


def loads(text: str | bytes, what: str, code: str = "bad_json") -> Any:
    """Parse untrusted JSON strictly; ``what`` names the file in the message ("bundle.json")."""

    def number(s: str, kind: str) -> Any:
        if len(s) > MAX_NUMBER_CHARS:
            raise _bad(what, code, f"a number of {len(s)} characters ({s[:12]}…)")
        v = int(s) if kind == "int" else float(s)
        if kind == "float" and not math.isfinite(v):
            raise _bad(what, code, f"the number {s[:20]} does not fit a 64-bit float")
        return v

    def constant(s: str) -> Any:
        raise _bad(what, code, f"'{s}' is not a number JSON allows")

    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad(what, code, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        value = json.loads(text, parse_int=lambda s: number(s, "int"), parse_float=lambda s: number(s, "float"),
                           parse_constant=constant)
    except InspectorError:
        raise
    except RecursionError:
        raise _bad(what, code, f"it is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # JSONDecodeError is one
        raise _bad(what, code, str(exc)[:200]) from exc
    if depth(value) > MAX_DEPTH:
        raise _bad(what, code, f"it is nested more than {MAX_DEPTH} levels deep")
    return value


def depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if isinstance(v, dict):
            stack.extend((c, d + 1) for c in v.values())
        elif isinstance(v, list):
            stack.extend((c, d + 1) for c in v)
    return deepest
