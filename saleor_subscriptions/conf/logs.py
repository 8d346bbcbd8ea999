"""The log handler of every process: standard error as it is when a line is written."""

from __future__ import annotations

import logging
import sys
from typing import TextIO


class StandardErrorHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to `sys.stderr` as it is at each line, not as it was when logging was configured: a process
    that replaces standard error later (a test runner capturing output, a daemon) never gets lines written to
    a closed file."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """Standard error is always the current one; a stream set from outside is ignored."""
