"""Which bundles of a store can be compared with the one open: the second bundle's list.

Only the manifests are read (no weights hashed, nothing loaded), so the list is quick to build
for a store of many bundles. A bundle that cannot be compared is listed with the reasons from
``manifest_differences``; one whose manifest cannot be read, with why. Opening a bundle still
validates it whole (``load_bundle``), so a listed bundle may yet be refused when it is chosen.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.core.bundle import MANIFEST, MAX_MANIFEST_BYTES, Bundle, Manifest
from app.core.compare.compatibility import manifest_differences
from app.core.errors import InspectorError
from app.core.file_listing import list_bundles
from app.core.jsonsafe import loads


@dataclass(frozen=True)
class CandidateBundle:
    """One bundle folder, and whether it can be compared with bundle A."""

    path: Path
    name: str
    version: str
    hash: str  # SHA-256 of its bundle.json ("" when it cannot be read)
    reasons: tuple[str, ...]  # why it cannot be compared; empty when it can
    is_a: bool = False  # the very bundle open as A (a comparison with itself shows exact agreement)

    @property
    def comparable(self) -> bool:
        return not self.reasons

    def text(self) -> str:
        """"metal 2.0.0", "default 1.3.0 (the bundle open now)", "default 1.3.0 in default-retrained/"."""
        head = f"{self.name} {self.version}".strip()
        if self.path.name != self.name:  # copies of one bundle differ by folder
            head += f" in {self.path.name}/"
        return f"{head} (the bundle open now)" if self.is_a else head

    def why_not(self) -> str:
        return "; ".join(self.reasons)


def read_manifest(folder: Path) -> tuple[Manifest, str]:
    """(manifest, hash) of a bundle folder from its bundle.json alone; ``InspectorError`` when unreadable."""
    p = Path(folder) / MANIFEST
    try:
        if p.stat().st_size > MAX_MANIFEST_BYTES:
            raise InspectorError("bad_manifest", f"{MANIFEST} is {p.stat().st_size:,} bytes; a manifest is a few kB")
        raw = p.read_bytes()
    except OSError as exc:
        raise InspectorError("no_bundle", f"cannot read {MANIFEST}: {exc.strerror}") from exc
    return Manifest.parse(loads(raw, MANIFEST, "bad_manifest")), hashlib.sha256(raw).hexdigest()


def candidate(folder: Path, a: Bundle) -> CandidateBundle:
    folder = Path(folder)
    try:
        m, h = read_manifest(folder)
    except InspectorError as exc:
        return CandidateBundle(folder, folder.name, "", "", (f"its bundle.json cannot be read: {exc.message}",))
    return CandidateBundle(folder, m.name, m.version, h, manifest_differences(a.manifest, m), is_a=h == a.hash)


def candidate_bundles(store: Path, a: Bundle, extra: tuple[Path, ...] = ()) -> list[CandidateBundle]:
    """Every bundle of ``store`` (and ``extra`` folders, e.g. one browsed to), comparable ones first, each by name."""
    seen: set[Path] = set()
    out = []
    for p in [*list_bundles(Path(store)), *extra]:
        key = Path(p).resolve()
        if key in seen or not (Path(p) / MANIFEST).is_file():
            continue
        seen.add(key)
        out.append(candidate(Path(p), a))
    return sorted(out, key=lambda c: (not c.comparable, c.is_a, c.name, str(c.path)))
