"""Computation only: no Qt, no dialogs, no global state.

torch is imported lazily (only by the torch backend), so the ONNX-only build runs without it.
"""
