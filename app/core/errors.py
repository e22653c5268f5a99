"""The one error type users see.

Every failure that can reach a user is an ``InspectorError`` with a stable ``code`` and
``params``, so the UI can translate it and the CLI can print it as one line.
"""

from __future__ import annotations

from typing import Any


class InspectorError(Exception):
    """A clear, user-facing failure: ``code`` is stable, ``message`` is English text."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return self.message
