"""Pausing Python's cyclic garbage collector while a bulk job builds many objects.

Reading a file of 20,000 records builds a few million objects that stay alive until the
file is answered; the collector's full passes walk all of them again and again, about a
sixth of the time of such a file (measured by the bulk benchmark in bench/). Reference
counting frees what is not in a cycle as usual; cycles made during the pause are collected
when it ends. Pauses may nest and overlap across threads: the collector runs again when the
last one ends, and only if it was enabled before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector does not run inside the block (reference counting still does)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
