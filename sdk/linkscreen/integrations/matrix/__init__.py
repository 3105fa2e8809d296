"""linkscreen inside a Matrix client: screen every decrypted message on the device before display.

Install with ``pip install 'linkscreen[matrix]'`` (matrix-nio with end-to-end encryption, which
uses the vodozemac wheel). The parts that do not need nio (rendering, the background refresher,
the per-room screen) import without it; :class:`ScreeningCallbacks`, the nio glue, imports nio on
first use. docs/integrations/matrix.md shows the wiring, threading and update model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._refresh import BackgroundRefresher
from ._render import Notices, Part, PartKind, RenderedMessage
from ._screen import MessageScreen

if TYPE_CHECKING:
    from ._nio import ScreeningCallbacks

__all__ = [
    "BackgroundRefresher",
    "MessageScreen",
    "Notices",
    "Part",
    "PartKind",
    "RenderedMessage",
    "ScreeningCallbacks",
]


def __getattr__(name: str) -> Any:
    if name == "ScreeningCallbacks":  # needs matrix-nio: imported only when asked for
        from ._nio import ScreeningCallbacks

        return ScreeningCallbacks
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
