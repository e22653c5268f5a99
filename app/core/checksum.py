"""SHA-256 of files, read in chunks (never a whole file in memory)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

CHUNK = 1 << 20


def sha256_stream(f: IO[bytes], chunk: int = CHUNK) -> str:
    """SHA-256 of what is left in an open binary file."""
    h = hashlib.sha256()
    while block := f.read(chunk):
        h.update(block)
    return h.hexdigest()


def sha256_file(path: str | Path, chunk: int = CHUNK) -> str:
    with open(path, "rb") as f:
        return sha256_stream(f, chunk)
