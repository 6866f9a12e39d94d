"""Tab builders: each lays out one tab's components and wires them to its handlers.

Every builder returns a `Refresh`: what to recompute when its tab is opened, so a tab
shows the current store after an upload elsewhere in the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple


class Refresh(NamedTuple):
    """A function, the components it reads and the components its results go to."""

    fn: Callable[..., Any]
    outputs: Sequence[Any]
    inputs: Sequence[Any] = ()
