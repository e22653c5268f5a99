"""Choosing a backend, and handing over to the next one when it fails."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Literal

import numpy as np

from app.core.backends.base import Backend, BackendInfo
from app.core.backends.parity import check_parity
from app.core.bundle import Bundle
from app.core.errors import InspectorError

log = logging.getLogger(__name__)

BackendChoice = Literal["auto", "torch", "onnx"]


def _make(kind: str, bundle: Bundle, device: str) -> Backend:
    if kind == "torch":
        from app.core.backends.torch_backend import TorchBackend

        return TorchBackend(bundle, device)
    if kind == "onnx":
        from app.core.backends.onnx_backend import OnnxBackend

        return OnnxBackend(bundle, device)
    raise InspectorError("bad_backend", f"unknown backend '{kind}' (choose auto, torch or onnx)", backend=kind)


def _suffix_ms(b: Backend, tokens_BTD: np.ndarray, reps: int = 5) -> float:
    b.suffix(tokens_BTD)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        b.suffix(tokens_BTD)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e3


class FallbackBackend:
    """The backend a session holds: the active one plus the ones to hand over to.

    A failure at run time moves to the next candidate, re-runs the call and records a
    notice; the caller's state (tokens, codes, mask, edits) lives outside and is kept.
    """

    def __init__(
        self,
        bundle: Bundle,
        order: list[tuple[str, str]],
        on_notice: Callable[[str], None] | None = None,
        first: Backend | None = None,
    ) -> None:
        self._bundle = bundle
        self._pending = list(order)
        self.notices: list[str] = []
        self._on_notice = on_notice
        self.warmup_ms: dict[str, float] = {}
        self.active: Backend = first if first is not None else self._next(None)

    @property
    def info(self) -> BackendInfo:
        return self.active.info

    def _notice(self, text: str) -> None:
        log.warning(text)
        self.notices.append(text)
        if self._on_notice:
            self._on_notice(text)

    def _next(self, failed: Exception | None) -> Backend:
        last: Exception | None = failed
        while self._pending:
            kind, device = self._pending.pop(0)
            try:
                b = _make(kind, self._bundle, device)
            except Exception as exc:  # noqa: BLE001 - any load failure hands over
                self._notice(f"backend {kind} ({device}) could not load: {exc}")
                last = exc
                continue
            return b
        raise InspectorError("no_backend", f"no inference backend could run this bundle: {last}")

    def _call(self, method: str, arg: np.ndarray):  # noqa: ANN202
        while True:
            try:
                return getattr(self.active, method)(arg)
            except Exception as exc:  # noqa: BLE001
                failed = self.active.info.describe()
                nxt = self._next(exc)
                # swap first: a listener on another thread (the GUI) reads backend_info() on the notice
                self.active = nxt
                self._notice(f"{failed} failed ({exc}); switched to {nxt.info.describe()}")

    def prefix(self, pixels_BCHW: np.ndarray) -> np.ndarray:
        return self._call("prefix", pixels_BCHW)

    def suffix(self, tokens_BTD: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        return self._call("suffix", tokens_BTD)


def _agreeing(bundle: Bundle, candidates: list[tuple[float, str, Backend]], notices: list[str]) -> list[tuple[float, str, Backend]]:
    """Two backends are raced only when they compute the same model. ``vit.safetensors`` is what the
    SAE was trained on (the manifest pins it), so when ONNX Runtime's graphs disagree, they go."""
    kinds = {kind: b for _, kind, b in candidates}
    if "torch" not in kinds or "onnx" not in kinds:
        return candidates
    try:
        check_parity(kinds["torch"], kinds["onnx"], bundle)
    except InspectorError as exc:
        notices.append(f"backend onnxruntime refused: {exc.message}; running on torch alone")
        return [c for c in candidates if c[1] != "onnx"]
    return candidates


def open_backend(
    bundle: Bundle,
    backend: BackendChoice = "auto",
    device: str = "auto",
    on_notice: Callable[[str], None] | None = None,
) -> FallbackBackend:
    """``auto``: torch on CUDA where present, else the faster of torch and ONNX Runtime on
    this machine, measured on the bundle's suffix at warm-up. The other is the fallback. Both
    run a probe image first: ONNX Runtime is refused, with a notice, when its outputs differ
    from torch's beyond ``PARITY_TOL``."""
    from app.core.backends.torch_backend import cuda_available, torch_available

    if backend in ("torch", "onnx"):
        other = "onnx" if backend == "torch" else "torch"
        order = [(backend, device)]
        if device.startswith("cuda"):
            order.append((backend, "cpu"))
        order += [(other, "cpu")]
        return FallbackBackend(bundle, order, on_notice)
    if backend != "auto":
        raise InspectorError("bad_backend", f"unknown backend '{backend}' (choose auto, torch or onnx)", backend=backend)

    if cuda_available():
        return FallbackBackend(bundle, [("torch", "cuda:0"), ("onnx", "auto"), ("torch", "cpu")], on_notice)
    cfg = bundle.manifest.vit
    probe = np.zeros((1, cfg.num_tokens, cfg.embed_dim), np.float32)
    candidates: list[tuple[float, str, Backend]] = []
    notices: list[str] = []
    for kind in (["torch"] if torch_available() else []) + ["onnx"]:
        try:
            b = _make(kind, bundle, "auto")
            candidates.append((_suffix_ms(b, probe), kind, b))
        except Exception as exc:  # noqa: BLE001
            notices.append(f"backend {kind} could not load: {exc}")
    if not candidates:
        raise InspectorError("no_backend", "no inference backend could run this bundle: " + "; ".join(notices))
    candidates = _agreeing(bundle, candidates, notices)
    candidates.sort(key=lambda c: c[0])
    ms, kind, best = candidates[0]
    rest = [(k, "cpu") for _, k, _ in candidates[1:]]
    fb = FallbackBackend(bundle, rest, on_notice, first=best)
    fb.warmup_ms = {k: m for m, k, _ in candidates}
    for n in notices:
        fb._notice(n)
    return fb
