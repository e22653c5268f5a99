"""Which tensors of an ONNX file keep their data in another file ("external data").

ONNX Runtime loads such data from beside the graph, unchecked: a bundle's hash would not
cover it. The ``onnx`` package can tell, but a line PC's build carries only ONNX Runtime, so
the file is read here as what it is, protobuf wire format, following only the fields that can
hold a tensor (field numbers from onnx.proto; ``tests/test_bundle_validation.py`` checks the
answer against ``onnx.external_data_helper`` on real graphs). Nothing is decoded but tags,
lengths and tensor names; the file is memory-mapped, not read.
"""

from __future__ import annotations

import mmap
from pathlib import Path

from app.core.errors import InspectorError

# message -> {field number: message it holds}; only the paths that lead to a TensorProto
_MODEL, _GRAPH, _NODE, _ATTR, _TENSOR, _SPARSE, _FUNC, _TRAIN = range(8)
_CHILDREN: dict[int, dict[int, int]] = {
    _MODEL: {7: _GRAPH, 20: _TRAIN, 25: _FUNC},
    _TRAIN: {1: _GRAPH, 2: _GRAPH},
    _GRAPH: {1: _NODE, 5: _TENSOR, 15: _SPARSE},
    _NODE: {5: _ATTR},
    _FUNC: {7: _NODE, 11: _ATTR},
    _ATTR: {5: _TENSOR, 6: _GRAPH, 10: _TENSOR, 11: _GRAPH, 22: _SPARSE, 23: _SPARSE},
    _SPARSE: {1: _TENSOR, 2: _TENSOR},
}
_TENSOR_NAME, _TENSOR_EXTERNAL_DATA, _TENSOR_DATA_LOCATION, _EXTERNAL = 8, 13, 14, 1
_MAX_NESTING = 64  # subgraphs inside attributes inside subgraphs ...


class _Malformed(Exception):
    pass


def _varint(buf: memoryview, i: int, end: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= end or shift > 63:
            raise _Malformed("truncated varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _walk(buf: memoryview, start: int, end: int, kind: int, depth: int, found: list[str]) -> None:
    if depth > _MAX_NESTING:
        raise _Malformed("nested too deeply")
    children = _CHILDREN.get(kind, {})
    name, external = "", False
    i = start
    while i < end:
        tag, i = _varint(buf, i, end)
        field, wire = tag >> 3, tag & 7
        if wire == 0:
            value, i = _varint(buf, i, end)
            if kind == _TENSOR and field == _TENSOR_DATA_LOCATION and value == _EXTERNAL:
                external = True
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            n, i = _varint(buf, i, end)
            if i + n > end:
                raise _Malformed("a field runs past its message")
            if kind == _TENSOR and field == _TENSOR_NAME:
                name = bytes(buf[i : i + n]).decode("utf-8", "replace")
            elif kind == _TENSOR and field == _TENSOR_EXTERNAL_DATA:
                external = True
            elif field in children:
                _walk(buf, i, i + n, children[field], depth + 1, found)
            i += n
        else:
            raise _Malformed(f"wire type {wire}")
        if i > end:
            raise _Malformed("a field runs past its message")
    if external:
        found.append(name or "(unnamed)")


def external_data_tensors(path: Path) -> list[str]:
    """Names of the tensors in the ONNX file at ``path`` whose data lives in another file."""
    found: list[str] = []
    with open(path, "rb") as f:
        if f.seek(0, 2) == 0:
            raise InspectorError("bad_file", f"{path.name} is empty, not an ONNX graph", path=str(path))
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            buf = memoryview(mm)
            try:
                _walk(buf, 0, len(buf), _MODEL, 0, found)
            except _Malformed as exc:
                raise InspectorError("bad_file", f"{path.name} is not a readable ONNX graph ({exc})", path=str(path)) from None
            finally:
                buf.release()
    return found
